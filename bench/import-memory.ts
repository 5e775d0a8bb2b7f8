// The author's big uploads and downloads on a server with little memory, started as on a machine
// with --memory of it (bench/memory.ts's inMemoryLimit): an import from another system, a generated
// Disqus export of --comments comments (tests/reliability/import.ts's) uploaded to /admin and
// followed to its end; with --backup instead, a backup of --comments seeded comments downloaded
// from /admin/export and restored through /admin/import. Prints the server's resident memory
// through each and whether it lived.
//   npx tsx bench/import-memory.ts [--memory 512M] [--comments 100000] [--backup]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHmac, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { freshSqlite, loadEnv, openDb, seedComments, startServer, type RunningServer } from "../tests/support/app";
import { SERVER_TS } from "../tests/e2e/support/servers";
import { writeBigDisqus } from "../tests/reliability/import";
import { inMemoryLimit, rssMb } from "./memory";

const { values } = parseArgs({
  options: {
    memory: { type: "string" },
    comments: { type: "string", default: "100000" },
    backup: { type: "boolean", default: false },
  },
});
const PORT = Number(process.env.BENCH_PORT ?? 3430);

async function main() {
  const url = freshSqlite(`import-memory-${PORT}`);
  const env = loadEnv(url);
  const mac = (value: string) => createHmac("sha256", env.COOKIE_SECRET!).update(value).digest("base64url");
  const db = openDb(url);
  const id = randomBytes(32).toString("base64url");
  await db.adminSession.create({
    data: {
      id,
      passwordTag: mac(`admin-password:${env.ADMIN_PASSWORD}`),
      expiresAt: new Date(Date.now() + 3_600_000),
      createdAt: new Date(),
    },
  });
  const cookie = `mg_admin=${id}.${mac(id)}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-import-memory-"));
  const file = path.join(dir, "upload");
  const comments = Number(values.comments);
  if (values.backup) await seedComments(db, "monolith-vs-microservices", comments);
  else writeBigDisqus(file, comments);
  const server = await startServer(
    PORT,
    env,
    `data/import-memory-${PORT}.log`,
    values.memory ? inMemoryLimit(values.memory, SERVER_TS) : SERVER_TS,
  );
  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, rssMb(server.pid) ?? 0)), 100);
  const phase = async (name: string, run: () => Promise<unknown>) => {
    peak = rssMb(server.pid) ?? 0;
    const started = Date.now();
    const outcome = await run().catch((error: Error) => `failed: ${error.message}`);
    const alive = rssMb(server.pid) !== null;
    console.log(JSON.stringify({ phase: name, seconds: (Date.now() - started) / 1000, rssPeak: peak, alive, outcome }));
    if (!alive) throw new Error(`the server died during ${name} (see data/import-memory-${PORT}.log)`);
  };
  try {
    await fetch(`${server.url}/articles/monolith-vs-microservices`).then((r) => r.text());
    console.log(JSON.stringify({ memory: values.memory ?? "unlimited", comments, rssStart: rssMb(server.pid) }));
    if (values.backup) {
      await phase("export", async () => {
        const answer = await fetch(`${server.url}/admin/export`, { headers: { cookie } });
        await pipeline(Readable.fromWeb(answer.body! as never), fs.createWriteStream(file));
        return `${answer.status}, ${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MB`;
      });
      await phase("restore", async () => {
        const answer = await upload(server, "/admin/import", file, cookie, {});
        return `${answer.status} ${answer.headers.get("location")}`;
      });
    } else {
      console.error(`export: ${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MB`);
      await phase("import", async () => {
        const answer = await upload(server, "/admin/import-comments", file, cookie, { format: "disqus" });
        const job = answer.headers.get("location");
        if (!job) throw new Error(`${answer.status}: ${await answer.text()}`);
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          const page = await fetch(new URL(job, server.url), { headers: { cookie } }).then((r) => r.text());
          if (!/Import running/.test(page))
            return `${/<h1[^>]*>(.*?)<\/h1>/.exec(page)?.[1]}; ${await db.comment.count()} stored`;
        }
      });
    }
  } finally {
    clearInterval(sample);
    server.stop();
    await server.exited().catch(() => {});
    await db.$disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `file` posted as an /admin form's file field, with `fields`; the redirect is not followed. */
function upload(server: RunningServer, at: string, file: string, cookie: string, fields: Record<string, string>) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  form.set("file", new Blob([fs.readFileSync(file)]), path.basename(file));
  return fetch(`${server.url}${at}`, {
    method: "POST",
    body: form,
    headers: { cookie, origin: server.url },
    redirect: "manual",
  });
}

await main();
