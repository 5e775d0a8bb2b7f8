// The author's large files on a small machine: a server started as on a machine of `memory`
// (tests/support/memory-limit.ts) hands out the backup of a site of `seededComments` and takes it
// back, then takes an import from Disqus, each through /admin as a browser sends and reads them. The server
// must live through each and store everything; the resident memory of each step is reported.
// bench/import-memory.ts prints the same figures at any size.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freshSqlite, loadEnv, openDb, seedComments, startServer, type RunningServer } from "../support/app";
import { SERVER_TS } from "../e2e/support/servers";
import { inMemoryLimit } from "../support/memory-limit";
import { sessionSetCookie, signInAdmin } from "../support/admin";
import { rssMb } from "../../bench/memory";
import { writeBigDisqus } from "./import";

export type AdminFilesSizes = {
  /** The machine's memory, as a cgroup takes it ("512M"); none where no cgroup can be made. */
  memory: string;
  /** Comments of the Disqus export uploaded (170,000 make 99 MB, near the upload's 100 MB). */
  importComments: number;
  /** Comments on the site, which its backup holds (90,000 make 49.6 MB, near the restore's 50 MB). */
  seededComments: number;
};

export type Step = { step: string; seconds: number; peakMb: number; outcome: string };

export async function adminFiles(port: number, sizes: AdminFilesSizes, onStep?: (step: Step) => void) {
  const url = freshSqlite(`admin-files-${port}`);
  const env = loadEnv(url);
  const db = openDb(url);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-admin-files-"));
  let limited = true;
  let command = SERVER_TS;
  try {
    command = inMemoryLimit(sizes.memory, SERVER_TS);
  } catch {
    limited = false; // not root, or no memory controller: the same steps, without the limit
  }
  let server: RunningServer | null = null;
  try {
    await seedComments(db, "monolith-vs-microservices", sizes.seededComments);
    const disqus = path.join(dir, "disqus.xml");
    writeBigDisqus(disqus, sizes.importComments);
    server = await startServer(port, env, `data/admin-files-${port}.log`, command);
    const pid = server.pid;
    const base = server.url;
    const cookie = sessionSetCookie(await signInAdmin(base, env.ADMIN_PASSWORD!, "127.0.0.1"))!.split(";")[0];
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid) ?? 0)), 100);
    const steps: Step[] = [];
    const step = async (name: string, run: () => Promise<string>) => {
      peak = rssMb(pid) ?? 0;
      const started = performance.now();
      const died = () => new Error(`the server died during the ${name} (data/admin-files-${port}.log)`);
      const outcome = await run().catch((error: unknown) => {
        throw rssMb(pid) === null ? died() : error;
      });
      if (rssMb(pid) === null) throw died();
      const done = { step: name, seconds: (performance.now() - started) / 1000, peakMb: Math.round(peak), outcome };
      steps.push(done);
      onStep?.(done);
    };
    try {
      const backup = path.join(dir, "backup.json");
      await step("backup", async () => {
        const answer = await fetch(`${base}/admin/export`, { headers: { cookie } });
        assert.equal(answer.status, 200);
        fs.writeFileSync(backup, Buffer.from(await answer.arrayBuffer()));
        const comments = (JSON.parse(fs.readFileSync(backup, "utf8")) as { comments: unknown[] }).comments.length;
        assert.equal(comments, sizes.seededComments);
        return `${mb(backup)} MB, ${comments} comments`;
      });
      await step("restore", async () => {
        const answer = await upload(base, "/admin/import", backup, cookie, {});
        const total = sizes.seededComments;
        assert.equal(answer.headers.get("location"), `/admin?imported=0&already=${total}&reactions=0`);
        return `${mb(backup)} MB, ${total} comments, all already there`;
      });
      await step("import", async () => {
        const answer = await upload(base, "/admin/import-comments", disqus, cookie, { format: "disqus" });
        const job = answer.headers.get("location");
        assert.equal(answer.status, 303, `the upload was answered ${answer.status}`);
        let page = "";
        while (!page || /Import running/.test(page)) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          page = await (await fetch(new URL(job!, base), { headers: { cookie } })).text();
        }
        assert.match(page, /Import done/);
        const stored = await db.comment.count();
        assert.equal(stored, sizes.seededComments + sizes.importComments);
        return `${mb(disqus)} MB, ${sizes.importComments} comments imported`;
      });
    } finally {
      clearInterval(sampler);
    }
    return { limited, steps };
  } finally {
    server?.stop();
    await server?.exited().catch(() => {});
    await db.$disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function adminFilesCheck(port: number, sizes: AdminFilesSizes): Promise<string> {
  const { limited, steps } = await adminFiles(port, sizes);
  const figures = steps.map((s) => `${s.step} ${s.outcome} in ${s.seconds.toFixed(1)} s, peak ${s.peakMb} MB`);
  return `${limited ? `in a ${sizes.memory} cgroup` : "no memory cgroup here: without a limit"}: ${figures.join("; ")}`;
}

const mb = (file: string) => (fs.statSync(file).size / 2 ** 20).toFixed(1);

/** `file` posted as an /admin form's file field, with `fields`, as a browser sends it; the redirect is not followed. */
function upload(base: string, at: string, file: string, cookie: string, fields: Record<string, string>) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  form.set("file", new Blob([fs.readFileSync(file)]), path.basename(file));
  return fetch(`${base}${at}`, { method: "POST", body: form, headers: { cookie, origin: base }, redirect: "manual" });
}
