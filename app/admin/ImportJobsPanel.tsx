import { db } from "@/lib/server/db";
import { siteLanguage, t } from "@/lib/i18n";
import { listImportJobs } from "@/lib/comments/import-jobs";
import { importJobPath } from "./import-comments/import-page";

const STATUS = {
  running: "admin.jobs.status.running",
  done: "admin.jobs.status.done",
  refused: "admin.jobs.status.refused",
  failed: "admin.jobs.status.failed",
} as const;

/** The latest imports from another system, with their progress; each links to its page and report. */
export async function ImportJobsPanel() {
  const jobs = await listImportJobs(5, db());
  if (jobs.length === 0) return null;
  return (
    <>
      <h3 id="import-jobs-heading">{t("admin.jobs.heading")}</h3>
      <ol className="admin-list import-jobs" aria-labelledby="import-jobs-heading">
        {jobs.map((job) => (
          <li key={job.id} data-status={job.status}>
            <a href={importJobPath(job.id)}>
              {t("admin.jobs.title", { dryRun: job.dryRun ? "yes" : "no", file: job.fileName, format: job.format })}
            </a>
            {t("admin.jobs.when", {
              date: siteLanguage().format.shortTime(job.createdAt),
              status: t(STATUS[job.status]),
            })}
            {job.status === "running" &&
              t(job.phase === "checking" ? "admin.jobs.checking" : "admin.jobs.writing", {
                read: job.read,
                skipped: job.skipped,
                imported: job.imported,
              })}
            {job.status !== "running" &&
              t("admin.jobs.counts", { read: job.read, imported: job.imported, skipped: job.skipped })}
          </li>
        ))}
      </ol>
    </>
  );
}
