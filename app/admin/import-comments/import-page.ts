import { escapeHtml } from "@/lib/html-escape";
import type { ImportJobView } from "@/lib/comments/import-jobs";
import { formatJobError, formatReport } from "@/lib/comments/import/report";
import { siteLanguage, t } from "@/lib/i18n";

// The pages of an import from /admin: small pages of their own, without scripts, every value
// escaped. While the job runs, its page refreshes itself every few seconds (a meta refresh, so it
// works without JavaScript) and has a Refresh link.

export const REFRESH_SECONDS = 2;

export const importJobPath = (id: string) => `/admin/import-comments/${encodeURIComponent(id)}`;

type Link = { href: string; label: string };

export function importPage(title: string, text: string, status = 200, link?: Link, refresh = false): Response {
  const more = link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : "";
  const meta = refresh ? `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">` : "";
  const { tag, dir } = siteLanguage();
  const html = `<!doctype html><html lang="${escapeHtml(tag)}"${dir === "rtl" ? ' dir="rtl"' : ""}><head><meta charset="utf-8"><meta name="robots" content="noindex">${meta}<title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1><pre class="import-report" role="status">${escapeHtml(text)}</pre>${more}<p><a href="/admin">${escapeHtml(t("admin.import.back"))}</a></p></main></body></html>`;
  return new Response(html, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

const count = (n: number) => siteLanguage().format.number(n);

/** What the job has done so far, in a line or two. */
export function progressText(job: ImportJobView): string {
  const what = t("admin.import.what", {
    dryRun: job.dryRun ? "yes" : "no",
    file: job.fileName,
    format: job.format,
    date: job.createdAt.toISOString(),
  });
  const numbers = { read: count(job.read), skipped: count(job.skipped), imported: count(job.imported) };
  const step = t(job.phase === "checking" ? "admin.import.checking" : "admin.import.writing", numbers);
  return `${what}\n${step}`;
}

export function jobPage(job: ImportJobView): Response {
  const self = { href: importJobPath(job.id), label: t("admin.import.refresh") };
  switch (job.status) {
    case "running":
      return importPage(t("admin.import.running"), progressText(job), 200, self, true);
    case "failed":
      return importPage(
        t("admin.import.failed"),
        `${progressText(job)}\n${formatJobError(job.error) ?? t("admin.import.failedText")}`,
        200,
      );
    case "refused":
    case "done": {
      const title = t(
        job.status === "refused"
          ? "admin.import.refusedTitle"
          : job.dryRun
            ? "admin.import.dryRunTitle"
            : "admin.import.done",
      );
      return importPage(title, job.report ? formatReport(job.report) : (formatJobError(job.error) ?? ""), 200);
    }
  }
}
