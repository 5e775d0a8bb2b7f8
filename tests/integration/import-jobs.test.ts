import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getImportJob, startImportJob, STALE_MS, type ImportJobView } from "@/lib/comments/import-jobs";
import { MAX_RECORD_DEPTH } from "@/lib/comments/import/source";
import { listComments } from "@/lib/comments/store";
import type { Db } from "@/lib/server/db";
import { providers, withDatabase } from "../support/databases";
import { englishList } from "../support/import-said";

// An import from /admin runs as a job: started at once, read in slices that let other requests
// in, its progress and report in its row for any instance to show.

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/import");
const SLUG = "monolith-vs-microservices";
const slugs = new Set([SLUG]);

/** The upload as the route leaves it: a file in a folder of its own, which the job removes. */
function upload(text: string) {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-job-test-"));
  const file = path.join(folder, "export");
  fs.writeFileSync(file, text);
  return { file, folder };
}

/** A Disqus export of `count` comments on the article, the first nested past the bound. */
function bigExport(count: number): string {
  const posts = Array.from(
    { length: count },
    (_, i) =>
      `<post dsq:id="p${i}"><message><![CDATA[<p>Comment <b>${i}</b></p>]]></message><createdAt>2014-03-02T10:00:00Z</createdAt><author><name>R${i}</name></author><thread dsq:id="1" />${i === 0 ? "<x>".repeat(MAX_RECORD_DEPTH + 5) + "</x>".repeat(MAX_RECORD_DEPTH + 5) : ""}</post>`,
  );
  return `<?xml version="1.0"?>\n<disqus>\n<thread dsq:id="1"><link>https://old.example/articles/${SLUG}/</link></thread>\n${posts.join("\n")}\n</disqus>\n`;
}

async function finished(id: string, db: Db): Promise<ImportJobView> {
  for (;;) {
    const job = await getImportJob(id, db);
    if (!job) throw new Error("job vanished");
    if (job.status !== "running") return job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(providers)("import jobs on %s", (_name, open, skipReason) => {
  const database = withDatabase(open, skipReason);

  it.skipIf(skipReason)("returns at once; the job reports progress, then the same report as before", async () => {
    const { file, folder } = upload(fs.readFileSync(path.join(FIXTURES, "disqus.xml"), "utf8"));
    const started = await startImportJob(
      { format: "disqus", file, folder, fileName: "disqus.xml", slugs, maps: [], dryRun: false },
      database.db,
    );
    expect(started.kind).toBe("started");
    const job = await finished(started.id, database.db);
    expect(job).toMatchObject({
      status: "done",
      fileName: "disqus.xml",
      read: 9,
      imported: 6,
      skipped: 3,
      error: null,
    });
    expect(job.report).toMatchObject({ added: 6, refused: [], perArticle: { [SLUG]: 6 } });
    expect(job.finishedAt).not.toBeNull();
    expect(fs.existsSync(folder)).toBe(false);
    expect(await database.db.comment.count()).toBe(6);
  });

  it.skipIf(skipReason)("lets readers in while it runs, and skips the over-nested record by its line", async () => {
    const { file, folder } = upload(bigExport(3_000));
    const started = await startImportJob(
      { format: "disqus", file, folder, fileName: "big.xml", slugs, maps: [], dryRun: false },
      database.db,
    );
    expect(started.kind).toBe("started");
    // A reader's request, sent once the job is under way, is answered before the job ends.
    await new Promise((resolve) => setImmediate(resolve));
    const page = await listComments(SLUG, {}, database.db);
    expect(page.threads.length).toBeGreaterThanOrEqual(0);
    const during = await getImportJob(started.id, database.db);
    expect(during?.status).toBe("running");
    // A second upload meanwhile is turned away, naming the running job.
    const second = upload("<disqus/>");
    expect(
      await startImportJob(
        {
          format: "disqus",
          file: second.file,
          folder: second.folder,
          fileName: "x.xml",
          slugs,
          maps: [],
          dryRun: true,
        },
        database.db,
      ),
    ).toEqual({ kind: "busy", id: started.id });

    const job = await finished(started.id, database.db);
    expect(job.status).toBe("done");
    expect(englishList(job.report?.skipped)).toEqual([
      { record: 'post dsq:id="p0" (line 4)', reason: expect.stringContaining(`${MAX_RECORD_DEPTH} deep`) },
    ]);
    expect(job.report?.added).toBe(2_999);
    expect(job).toMatchObject({ read: 3_000, imported: 2_999, skipped: 1 });
  });

  it.skipIf(skipReason)("a running job whose instance stopped shows as failed, and no longer blocks", async () => {
    const now = new Date();
    await database.db.importJob.create({
      data: {
        id: "00000000-0000-4000-8000-000000000001",
        format: "disqus",
        dryRun: false,
        fileName: "lost.xml",
        heartbeatAt: new Date(now.getTime() - STALE_MS - 1_000),
      },
    });
    const job = await getImportJob("00000000-0000-4000-8000-000000000001", database.db, now);
    expect(job).toMatchObject({ status: "failed", error: expect.stringContaining("stopped") });
    const { file, folder } = upload(fs.readFileSync(path.join(FIXTURES, "disqus.xml"), "utf8"));
    const started = await startImportJob(
      { format: "disqus", file, folder, fileName: "again.xml", slugs, maps: [], dryRun: true },
      database.db,
      now,
    );
    expect(started.kind).toBe("started");
    expect((await finished(started.id, database.db)).status).toBe("done");
  });
});
