// Where a CPU profile's time went (`node --cpu-prof`, e.g. bench/render.ts --prof):
//   npx tsx bench/cpu-profile.ts <file.cpuprofile> [--top N] [--from functionName]
// Prints the time by owner (a package of node_modules, a chunk of .next/server, node's own,
// garbage collection, idle), the functions with the most self time, and the functions with the
// most total time (each sample counted once per function on its stack). --from keeps only the
// samples with that function on their stack (a request's render, say), to leave idle and start-up out.
import fs from "node:fs";

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

const [file, ...rest] = process.argv.slice(2);
if (!file) throw new Error("usage: tsx bench/cpu-profile.ts <file.cpuprofile> [--top N] [--from name]");
const option = (name: string) => (rest.includes(name) ? rest[rest.indexOf(name) + 1] : undefined);
const TOP = Number(option("--top") ?? 30);
const FROM = option("--from");
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

/** A file named as a reader of this table would: a package, a chunk of the build, node's own. */
function owner(url: string, name: string): string {
  if (!url) return name.startsWith("(") ? name : "(native)";
  if (url.startsWith("node:")) return "node";
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const parts = url.slice(modules + "node_modules/".length).split("/");
    const pkg = parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
    // Next.js carries React and others precompiled: name them.
    const compiled = url.indexOf("/compiled/");
    return pkg === "next" && compiled >= 0 ? `next/compiled/${url.slice(compiled + 10).split("/")[0]}` : pkg;
  }
  const next = url.indexOf("/.next/");
  return next >= 0 ? url.slice(next + 1) : url.replace(/^file:\/\//, "").replace(process.cwd() + "/", "");
}
const frameName = (node: ProfileNode) =>
  `${node.callFrame.functionName || "(anonymous)"} ${owner(node.callFrame.url, node.callFrame.functionName)}:${node.callFrame.lineNumber + 1}`;

const self = new Map<string, number>();
const total = new Map<string, number>();
const owners = new Map<string, number>();
let all = 0;
const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
for (let i = 0; i < profile.samples.length; i++) {
  const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  const leaf = byId.get(profile.samples[i])!;
  const stack: ProfileNode[] = [];
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) stack.push(byId.get(id)!);
  if (FROM && !stack.some((node) => node.callFrame.functionName === FROM)) continue;
  all += ms;
  add(self, frameName(leaf), ms);
  add(owners, owner(leaf.callFrame.url, leaf.callFrame.functionName), ms);
  for (const name of new Set(stack.map(frameName))) add(total, name, ms);
}

const table = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [what, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, TOP))
    console.log(`  ${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / all).toFixed(1).padStart(5)}%  ${what}`);
};
console.log(`${file}: ${all.toFixed(0)} ms sampled${FROM ? ` under ${FROM}` : ""}`);
table("Self time by owner", owners);
table("Self time by function", self);
table("Total time by function (once per stack)", total);
