// Where a server's JavaScript heap goes, read from a V8 heap snapshot (`node --heapsnapshot-signal`,
// `v8.writeHeapSnapshot()`): `npx tsx bench/heap-snapshot.ts <file.heapsnapshot> [--top N]`.
// Prints the heap by kind of object (strings, code, arrays…), the compiled code by the file it came
// from (a package of node_modules, a chunk of .next/server), the largest strings by what they begin
// with, and the objects that keep the most memory alive (retained size, from the dominator tree),
// so that a module loaded for nothing, or a cache grown past its use, shows by name.
import fs from "node:fs";

type Snapshot = {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
};

const [file, ...rest] = process.argv.slice(2);
if (!file) throw new Error("usage: tsx bench/heap-snapshot.ts <file.heapsnapshot> [--top N]");
const TOP = Number(rest[rest.indexOf("--top") + 1] ?? 25) || 25;
const data = JSON.parse(fs.readFileSync(file, "utf8")) as Snapshot;
const { meta } = data.snapshot;
const NF = meta.node_fields.length;
const EF = meta.edge_fields.length;
const [TYPE, NAME, SIZE, EDGES] = ["type", "name", "self_size", "edge_count"].map((f) => meta.node_fields.indexOf(f));
const [ETYPE, ENAME, ETO] = ["type", "name_or_index", "to_node"].map((f) => meta.edge_fields.indexOf(f));
const nodeTypes = meta.node_types[0];
const edgeTypes = meta.edge_types[0];
const WEAK = edgeTypes.indexOf("weak");
const SHORTCUT = edgeTypes.indexOf("shortcut");
const count = data.nodes.length / NF;
const nodes = Int32Array.from(data.nodes);
const edges = Int32Array.from(data.edges);
const strings = data.strings;

const typeOf = (n: number) => nodeTypes[nodes[n * NF + TYPE]];
const nameOf = (n: number) => strings[nodes[n * NF + NAME]];
const sizeOf = (n: number) => nodes[n * NF + SIZE];
const firstEdge = new Int32Array(count + 1);
for (let n = 0; n < count; n++) firstEdge[n + 1] = firstEdge[n] + nodes[n * NF + EDGES] * EF;
const edgeName = (e: number) =>
  ["element", "hidden"].includes(edgeTypes[edges[e + ETYPE]]) ? String(edges[e + ENAME]) : strings[edges[e + ENAME]];
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(2)} MB`;
const table = (title: string, rows: [string, number][]) => {
  console.log(`\n${title}`);
  for (const [what, bytes] of rows.slice(0, TOP)) console.log(`  ${mb(bytes).padStart(10)}  ${what}`);
};
const add = (map: Map<string, number>, key: string, bytes: number) => map.set(key, (map.get(key) ?? 0) + bytes);
const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);

// ---- By kind ----
let total = 0;
const byType = new Map<string, number>();
const byConstructor = new Map<string, number>();
for (let n = 0; n < count; n++) {
  total += sizeOf(n);
  add(byType, typeOf(n), sizeOf(n));
  if (typeOf(n) === "object") add(byConstructor, nameOf(n), sizeOf(n));
}
console.log(`${file}: ${count.toLocaleString("en")} objects, ${mb(total)} in all (self sizes)`);
table("By kind of object", sorted(byType));
table("Objects by constructor", sorted(byConstructor));

/** A file of the server named as a reader of this table would: a package, or a chunk of the build. */
function owner(url: string): string {
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const parts = url.slice(modules + "node_modules/".length).split("/");
    return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return url.replace(/^file:\/\//, "").replace(process.cwd() + "/", "");
}

// ---- Code by the file it came from: functions (SharedFunctionInfo), their bytecode and scripts' sources ----
// Each compiled function points at its script; a script's source is a string it points at.
const scriptOf = new Int32Array(count).fill(-1);
const byScript = new Map<string, number>();
for (let n = 0; n < count; n++) {
  if (typeOf(n) !== "code" || nameOf(n) !== "system / Script") continue;
  let url = "";
  let source = 0;
  for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += EF) {
    const to = edges[e + ETO] / NF;
    const name = edgeName(e);
    if (name === "name" && typeOf(to) === "string") url = nameOf(to);
    if (name === "source") source = sizeOf(to);
  }
  scriptOf[n] = n;
  add(byScript, owner(url || "(no name)"), sizeOf(n) + source);
  (scriptOf as unknown as { urls?: Map<number, string> }).urls ??= new Map();
  (scriptOf as unknown as { urls: Map<number, string> }).urls.set(n, owner(url || "(no name)"));
}
const scriptUrls = (scriptOf as unknown as { urls?: Map<number, string> }).urls ?? new Map<number, string>();
for (let n = 0; n < count; n++) {
  if (typeOf(n) !== "code" || !nameOf(n).startsWith("(shared function info")) continue;
  let script = -1;
  let owned = sizeOf(n);
  for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += EF) {
    const to = edges[e + ETO] / NF;
    const name = edgeName(e);
    if (name === "script") script = to;
    if (name === "function_data" || name === "bytecode") owned += sizeOf(to);
  }
  if (script >= 0 && scriptUrls.has(script)) add(byScript, scriptUrls.get(script)!, owned);
}
table("Code (functions, bytecode, sources) by the file it came from", sorted(byScript));

// ---- The largest strings, by what they begin with ----
const bigStrings: [string, number][] = [];
for (let n = 0; n < count; n++) {
  const type = typeOf(n);
  if ((type === "string" || type === "concatenated string" || type === "sliced string") && sizeOf(n) > 64 * 1024)
    bigStrings.push([JSON.stringify(nameOf(n).slice(0, 90)), sizeOf(n)]);
}
table(
  "Strings over 64 KB",
  bigStrings.sort((a, b) => b[1] - a[1]),
);

// ---- Retained sizes: the dominator tree (Cooper, Harvey and Kennedy's iteration) ----
const order = new Int32Array(count).fill(-1); // postorder number
const byOrder = new Int32Array(count);
{
  const stack = [0];
  const next = Int32Array.from(firstEdge.subarray(0, count));
  const seen = new Uint8Array(count);
  seen[0] = 1;
  let k = 0;
  while (stack.length) {
    const n = stack[stack.length - 1];
    let pushed = false;
    while (next[n] < firstEdge[n + 1]) {
      const e = next[n];
      next[n] += EF;
      const t = edges[e + ETYPE];
      if (t === WEAK || t === SHORTCUT) continue;
      const to = edges[e + ETO] / NF;
      if (!seen[to]) {
        seen[to] = 1;
        stack.push(to);
        pushed = true;
        break;
      }
    }
    if (!pushed) {
      stack.pop();
      order[n] = k;
      byOrder[k++] = n;
    }
  }
}
const predecessors: number[][] = Array.from({ length: count }, () => []);
for (let n = 0; n < count; n++) {
  if (order[n] < 0) continue;
  for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += EF) {
    const t = edges[e + ETYPE];
    if (t === WEAK || t === SHORTCUT) continue;
    predecessors[edges[e + ETO] / NF].push(n);
  }
}
const idom = new Int32Array(count).fill(-1);
idom[0] = 0;
const intersect = (a: number, b: number) => {
  while (a !== b) {
    while (order[a] < order[b]) a = idom[a];
    while (order[b] < order[a]) b = idom[b];
  }
  return a;
};
for (let changed = true; changed;) {
  changed = false;
  for (let k = count - 1; k >= 0; k--) {
    const n = byOrder[k];
    if (n === 0 || order[n] < 0) continue;
    let dom = -1;
    for (const p of predecessors[n]) if (idom[p] >= 0) dom = dom < 0 ? p : intersect(p, dom);
    if (dom >= 0 && idom[n] !== dom) {
      idom[n] = dom;
      changed = true;
    }
  }
}
const retained = new Float64Array(count);
for (let n = 0; n < count; n++) retained[n] = sizeOf(n);
for (let k = 0; k < count; k++) {
  const n = byOrder[k];
  if (n !== 0 && order[n] >= 0 && idom[n] >= 0) retained[idom[n]] += retained[n];
}
/** How a node is reached from its dominator: the first edge naming it, for a readable path. */
function label(n: number): string {
  const dom = idom[n];
  let via = "";
  if (dom >= 0)
    for (let e = firstEdge[dom]; e < firstEdge[dom + 1]; e += EF)
      if (edges[e + ETO] / NF === n) {
        via = edgeName(e);
        break;
      }
  return `${typeOf(n)} ${nameOf(n).slice(0, 60)}${via ? ` (.${via.slice(0, 40)})` : ""}`;
}
// The largest objects that are not the roots' own bookkeeping, with the path of dominators to them.
const candidates: number[] = [];
for (let n = 0; n < count; n++)
  if (order[n] >= 0 && retained[n] > 512 * 1024 && typeOf(n) !== "synthetic") candidates.push(n);
candidates.sort((a, b) => retained[b] - retained[a]);
console.log("\nObjects keeping the most alive (retained size; the dominators above each, nearest first)");
for (const n of candidates.slice(0, TOP * 2)) {
  const path: string[] = [];
  for (let d = idom[n], i = 0; d > 0 && i < 3; d = idom[d], i++) path.push(label(d));
  console.log(`  ${mb(retained[n]).padStart(10)}  ${label(n)}  ⟵ ${path.join(" ⟵ ")}`);
}
