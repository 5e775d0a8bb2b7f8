// `npm run bench:lighthouse`: Lighthouse's four scores and the layout shift of the home page and of
// an article with 30 comments, on desktop and on a phone, against the production build and
// server.ts (what `npm start` runs) on a fresh SQLite file. A script, not a test: the Performance
// score depends on how busy the machine is, so it is read beside the load average it prints.
// Chromium is Debian's (CHROMIUM_PATH overrides /usr/bin/chromium); LIGHTHOUSE_PORT (default 4290)
// is the server's port, the next one Chromium's debugging port; SKIP_BUILD=1 reuses the last build.
// Each full report is kept in data/lighthouse/ (JSON, for what a score is made of).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import lighthouse, { type Flags } from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import { ensureBuild, freshSqlite, openDb, seedComments, startServer } from "../tests/support/app";
import { e2eEnv } from "../tests/e2e/support/servers";
import { waitUntil } from "../tests/support/wait";
import { articlePath } from "../lib/routes";

const PORT = Number(process.env.LIGHTHOUSE_PORT ?? 4290);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTICLE = "monolith-vs-microservices";
const COMMENTS = 30;
const REPORTS = "data/lighthouse";
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"] as const;

/** Headless Chromium with a debugging port, quiet: no update checks, sync or first-run pages. */
async function startChromium(port: number) {
  const profile = fs.mkdtempSync(`${os.tmpdir()}/lighthouse-chromium-`);
  const flags = [
    "--headless=new",
    `--remote-debugging-port=${port}`,
    `--user-data-dir=${profile}`,
    "--disable-background-networking",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--disable-component-update",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--disable-dev-shm-usage",
    // Chromium's sandbox refuses to run as root, which containers and CI often are.
    ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
    "about:blank",
  ];
  const browser = spawn(CHROMIUM, flags, { stdio: "ignore", detached: true });
  await waitUntil(
    `Chromium's debugging port ${port}`,
    () =>
      fetch(`http://127.0.0.1:${port}/json/version`).then(
        () => true,
        () => false,
      ),
    30_000,
    200,
  );
  return () => {
    try {
      process.kill(-browser.pid!, "SIGTERM");
    } catch {
      // already gone
    }
    fs.rmSync(profile, { recursive: true, force: true });
  };
}

type Row = { page: string; device: string; scores: number[]; cls: number };

async function audit(url: string, device: "desktop" | "mobile", chromiumPort: number): Promise<Row> {
  const flags: Flags = { port: chromiumPort, output: "json", logLevel: "error", onlyCategories: [...CATEGORIES] };
  const result = await lighthouse(url, flags, device === "desktop" ? desktopConfig : undefined);
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { categories, audits } = result.lhr;
  const name = `${new URL(url).pathname.replace(/\W+/g, "-").replace(/^-|-$/g, "") || "home"}-${device}`;
  fs.mkdirSync(REPORTS, { recursive: true });
  fs.writeFileSync(`${REPORTS}/${name}.json`, JSON.stringify(result.lhr));
  return {
    page: new URL(url).pathname,
    device,
    scores: CATEGORIES.map((id) => Math.round((categories[id]?.score ?? 0) * 100)),
    cls: audits["cumulative-layout-shift"]?.numericValue ?? Number.NaN,
  };
}

async function main() {
  ensureBuild();
  const database = freshSqlite("lighthouse");
  const db = openDb(database);
  await seedComments(db, ARTICLE, COMMENTS);
  await db.$disconnect();
  const server = await startServer(PORT, e2eEnv(database), "data/lighthouse-server.log");
  const stopChromium = await startChromium(PORT + 1);
  const rows: Row[] = [];
  try {
    for (const path of ["/", articlePath(ARTICLE)])
      for (const device of ["desktop", "mobile"] as const) {
        // One warm-up load, so the figures are the server's steady state rather than its first render.
        await fetch(`${server.url}${path}`);
        rows.push(await audit(`${server.url}${path}`, device, PORT + 1));
      }
  } finally {
    stopChromium();
    server.stop();
    await server.exited();
  }
  const load = os.loadavg().map((value) => value.toFixed(2));
  console.log(`\n${os.cpus().length} cores · load average ${load.join(" ")}`);
  console.log("(Performance depends on what else the machine runs; the other scores and CLS do not.)\n");
  console.log("| page | device | Performance | Accessibility | Best Practices | SEO | CLS |");
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const { page, device, scores, cls } of rows)
    console.log(`| ${page} | ${device} | ${scores.join(" | ")} | ${cls.toFixed(3)} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
