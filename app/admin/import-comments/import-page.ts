import { escapeHtml } from "@/lib/html-escape";
import type { ImportJobView } from "@/lib/comments/import-jobs";
import { formatReport } from "@/lib/comments/import/report";

// The pages of an import from /admin: small pages of their own, without scripts, every value
// escaped. While the job runs, its page refreshes itself every few seconds (a meta refresh, so it
// works without JavaScript) and has a Refresh link.

export const REFRESH_SECONDS = 2;

export const importJobPath = (id: string) => `/admin/import-comments/${encodeURIComponent(id)}`;

type Link = { href: string; label: string };

export function importPage(title: string, text: string, status = 200, link?: Link, refresh = false): Response {
  const more = link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : "";
  const meta = refresh ? `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">` : "";
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">${meta}<title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1><pre class="import-report" role="status">${escapeHtml(text)}</pre>${more}<p><a href="/admin">Back to moderation</a></p></main></body></html>`;
  return new Response(html, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

const count = (n: number) => n.toLocaleString("en");

/** What the job has done so far, in a line or two. */
export function progressText(job: ImportJobView): string {
  const what = `${job.dryRun ? "Dry run" : "Import"} of ${job.fileName} (${job.format}), started ${job.createdAt.toISOString()}`;
  const step =
    job.phase === "checking"
      ? `Checking every record: ${count(job.read)} read, ${count(job.skipped)} skipped so far.`
      : `Writing: ${count(job.imported)} of ${count(job.read)} comments so far.`;
  return `${what}\n${step}`;
}

export function jobPage(job: ImportJobView): Response {
  const self = { href: importJobPath(job.id), label: "Refresh" };
  switch (job.status) {
    case "running":
      return importPage("Import running", progressText(job), 200, self, true);
    case "failed":
      return importPage("Import failed", `${progressText(job)}\n${job.error ?? "The import failed."}`, 200);
    case "refused":
    case "done": {
      const title = job.status === "refused" ? "Import refused" : job.dryRun ? "Import: a dry run" : "Import done";
      return importPage(title, job.report ? formatReport(job.report) : (job.error ?? ""), 200);
    }
  }
}
