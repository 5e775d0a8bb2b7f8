import { db } from "@/lib/server/db";
import { shortTime } from "@/lib/format";
import { listImportJobs } from "@/lib/comments/import-jobs";
import { importJobPath } from "./import-comments/import-page";

const STATUS = { running: "running", done: "done", refused: "refused", failed: "failed" } as const;

/** The latest imports from another system, with their progress; each links to its page and report. */
export async function ImportJobsPanel() {
  const jobs = await listImportJobs(5, db());
  if (jobs.length === 0) return null;
  return (
    <>
      <h3 id="import-jobs-heading">Latest imports</h3>
      <ol className="admin-list import-jobs" aria-labelledby="import-jobs-heading">
        {jobs.map((job) => (
          <li key={job.id} data-status={job.status}>
            <a href={importJobPath(job.id)}>
              {job.dryRun ? "Dry run" : "Import"} of {job.fileName} ({job.format})
            </a>
            , {shortTime(job.createdAt)}: {STATUS[job.status]}
            {job.status === "running" &&
              (job.phase === "checking"
                ? `, checking: ${job.read} read, ${job.skipped} skipped`
                : `, writing: ${job.imported} of ${job.read}`)}
            {job.status !== "running" && ` (${job.read} read, ${job.imported} written, ${job.skipped} skipped)`}
          </li>
        ))}
      </ol>
    </>
  );
}
