// What Next.js itself costs per render on this machine, against which the site's own renders
// (bench/render.ts) are read:
//   npx tsx bench/next-floor.ts [--seconds 8] [--requests 200]
// Builds a minimal App Router app in a temporary folder, with this checkout's packages (the same
// Next.js and React), and serves it with `next start`. Its pages are dynamic, as every page of the
// site is (a CSP nonce from a proxy, as proxy.ts sets it): "hello" (a heading), "article" (40 KB of
// HTML in an element, as an article's body) and "slots" (50 client components, each holding 3 KB of
// HTML, as a discussion's threads are held; the HTML travels in the payload here too). For each
// page: the server's CPU ms per request one at a time, and under load (autocannon, 10
// connections), read from /proc as bench/render.ts reads them.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { groupCpuMs } from "./cpu";
import { cannon } from "./load";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "8" }, requests: { type: "string", default: "200" } },
});
const PORT = Number(process.env.BENCH_PORT ?? 3498);

const FILES: Record<string, string> = {
  "package.json": `{ "name": "next-floor", "private": true, "type": "module" }`,
  // The packages are this checkout's (a symlink): Turbopack resolves only inside its root.
  "next.config.mjs": `export default { turbopack: { root: "/" }, poweredByHeader: false };`,
  "tsconfig.json": JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      lib: ["dom", "es2022"],
      jsx: "react-jsx",
      module: "esnext",
      moduleResolution: "bundler",
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      isolatedModules: true,
    },
  }),
  "proxy.ts": `import { NextResponse, type NextRequest } from "next/server";
export function proxy(request: NextRequest) {
  const nonce = btoa(crypto.randomUUID());
  const policy = "script-src 'self' 'nonce-" + nonce + "' 'strict-dynamic'; object-src 'none'; base-uri 'none'";
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}
export const config = { matcher: ["/((?!_next/static|favicon.ico).*)"] };`,
  "app/layout.tsx": `export default function Layout({ children }: { children: React.ReactNode }) {
  return <html lang="en"><body>{children}</body></html>;
}`,
  "app/page.tsx": `import { connection } from "next/server";
export default async function Page() { await connection(); return <main><h1>Hello</h1></main>; }`,
  "app/article/page.tsx": `import { connection } from "next/server";
const html = Array.from({ length: 400 }, (_, i) => "<p>Paragraph " + i + " of an article, with <em>some</em> words, about forty kilobytes in all.</p>").join("");
export default async function Page() { await connection(); return <main><article dangerouslySetInnerHTML={{ __html: html }} /></main>; }`,
  "app/slot.tsx": `"use client";
import { useLayoutEffect, useRef } from "react";
export function Slot({ html, digest, id }: { html: string; digest: string; id: string }) {
  const ref = useRef<HTMLLIElement>(null);
  useLayoutEffect(() => { if (ref.current) ref.current.dataset.digest = digest; }, [digest]);
  return <li id={id} ref={ref} dangerouslySetInnerHTML={{ __html: typeof window === "undefined" ? html : "" }} suppressHydrationWarning />;
}`,
  "app/slots/page.tsx": `import { connection } from "next/server";
import { Slot } from "../slot";
const threads = Array.from({ length: 50 }, (_, i) => ({ id: "c-" + i, html: ("<p class=meta><span class=author>Reader " + i + "</span> <time>Jan 1</time></p><div class=body><p>Comment " + i + " with a few <em>words</em> in it, as long as a real one.</p></div>").repeat(4) }));
export default async function Page() { await connection(); return <main><ol>{threads.map((t) => <Slot key={t.id} id={t.id} digest={t.id} html={t.html} />)}</ol></main>; }`,
};

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "next-floor-"));
  for (const [file, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  fs.symlinkSync(path.resolve("node_modules"), path.join(dir, "node_modules"));
  const next = path.join(dir, "node_modules", "next", "dist", "bin", "next");
  console.error(`building ${dir}`);
  execFileSync(process.execPath, [next, "build"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  const server = spawn(process.execPath, [next, "start", "-p", String(PORT), "-H", "127.0.0.1"], {
    cwd: dir,
    detached: true,
    stdio: "ignore",
  });
  const pgid = server.pid!;
  const base = `http://127.0.0.1:${PORT}`;
  const get = async (page: string) => (await (await fetch(base + page)).arrayBuffer()).byteLength;
  try {
    for (let i = 0; ; i++) {
      if (await get("/").catch(() => 0)) break;
      if (i > 100) throw new Error("next start did not answer");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for (const page of ["/", "/article", "/slots"]) {
      for (let i = 0; i < 100; i++) await get(page);
      const count = Number(values.requests);
      const before = groupCpuMs(pgid)!;
      let bytes = 0;
      for (let i = 0; i < count; i++) bytes = await get(page);
      const alone = (groupCpuMs(pgid)! - before) / count;
      const loaded = await cannon(pgid, base + page, { connections: 10, seconds: Number(values.seconds) });
      console.log(
        `${page.padEnd(9)} ${(bytes / 1024).toFixed(1)} KB: ${alone.toFixed(1)} ms of CPU alone, ` +
          `${loaded.cpuMs?.toFixed(1)} ms under load (${Math.round(loaded.rps)} req/s)`,
      );
    }
  } finally {
    process.kill(-pgid, "SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
