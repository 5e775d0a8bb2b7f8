import type { ImportReport, Listed } from "./run";
import { describe, sayIn, type ImportMessage } from "./message";
import { FILTERS, SKIP_REASONS, type SkipReason } from "./source";
import { articlePath } from "../../routes";
import { siteLanguage } from "../../i18n";

// The report as the terminal and the /admin job page show it, in the site's language, the lines
// about single records too (message.ts). A job's report is kept as JSON in its row, so one written
// by an older version (fewer fields, English strings for single records) is read as it was.

export function formatReport(stored: ImportReport): string {
  const report: ImportReport = {
    ...stored,
    skippedBy: stored.skippedBy ?? {},
    kept: stored.kept ?? [],
    keptCount: stored.keptCount ?? 0,
    locked: stored.locked ?? [],
    bans: stored.bans ?? [],
  };
  const { t, format } = siteLanguage();
  const refused = report.refusedCount > 0;
  const lines: string[] = [];
  if (refused) {
    lines.push(t("admin.import.report.refused", { count: report.refusedCount }));
    listed(lines, report.refused, report.refusedCount);
    if (report.strict) lines.push(t("admin.import.report.strict"));
  }
  const mode = report.dryRun ? "dry" : refused ? "refused" : "done";
  lines.push(t("admin.import.report.read", { mode, format: report.format, count: report.read }));
  for (const [slug, count] of Object.entries(report.perArticle).sort(([a], [b]) => a.localeCompare(b)))
    lines.push(`  ${articlePath(slug)}: ${count}`);
  if (report.pending) lines.push(t("admin.import.report.pending", { count: report.pending, format: report.format }));
  if (report.orphans) lines.push(t("admin.import.report.orphans", { count: report.orphans }));
  if (report.placeholders) lines.push(t("admin.import.report.placeholders", { count: report.placeholders }));
  skippedLines(lines, report);
  if (report.kept.length) {
    lines.push(t("admin.import.report.changed"));
    listed(lines, report.kept, report.keptCount);
  }
  if (report.locked.length)
    lines.push(
      t("admin.import.report.locked", { format: report.format, list: report.locked.map(articlePath).join(", ") }),
    );
  for (const ban of report.bans) {
    const until = ban.until
      ? t("admin.import.report.until", { date: ban.until.slice(0, 10) })
      : t("admin.import.report.noEnd");
    lines.push(t("admin.import.report.banned", { name: ban.name, until, note: sayIn(t, ban.note) }));
  }
  if (!refused)
    lines.push(
      t("admin.import.report.added", {
        mode: report.dryRun ? "dry" : "done",
        added: format.number(report.added),
        already: format.number(report.alreadyThere),
      }),
    );
  return lines.join("\n");
}

function skippedLines(lines: string[], report: ImportReport) {
  const { t, format } = siteLanguage();
  const reasons = Object.entries(report.skippedBy) as Array<[SkipReason, number]>;
  if (reasons.length) lines.push(t("admin.import.report.skipped", { count: report.skippedCount }));
  for (const [reason, count] of reasons) {
    // A report stored by an older version may name a reason this one no longer has.
    lines.push(
      `  ${format.number(count)} ${Object.hasOwn(SKIP_REASONS, reason) ? t(`admin.import.skip.${reason}`) : reason}`,
    );
  }
  const unmatched = Object.entries(report.unmatched).sort(([a], [b]) => a.localeCompare(b));
  if (unmatched.length) {
    lines.push(t("admin.import.report.unmatched"));
    for (const [url, count] of unmatched) lines.push(`  ${url}: ${count}`);
  }
  if (report.skipped.length) {
    lines.push(t("admin.import.report.recordsSkipped"));
    const problems = reasons.filter(([reason]) => !FILTERS.has(reason)).reduce((sum, [, count]) => sum + count, 0);
    listed(lines, report.skipped, Math.max(problems, report.skipped.length));
  }
}

/** One record named: where, the field, why. */
export function listedLine(listed: Listed): string {
  return describe(siteLanguage().t, listed);
}

/** Why a job failed, as its row keeps it (lib/comments/import-jobs.ts): JSON, in no language yet. */
export const storedJobError = (error: Listed | ImportMessage): string => JSON.stringify(error);

/**
 * What a failed job stored: a refusal of the file (a Listed) or a message, or, from an older
 * version, its English text; undefined for none.
 */
export function formatJobError(stored: string | null): string | undefined {
  if (!stored) return undefined;
  try {
    const error = JSON.parse(stored) as Listed | ImportMessage;
    if (error && typeof error === "object" && "reason" in error) return listedLine(error);
    if (error && typeof error === "object" && "key" in error) return sayIn(siteLanguage().t, error);
  } catch {
    // an older version's text
  }
  return stored;
}

function listed(lines: string[], list: ImportReport["skipped"], count: number) {
  for (const entry of list) lines.push(`  ${listedLine(entry)}`);
  const { t, format } = siteLanguage();
  if (count > list.length)
    lines.push(`  ${t("admin.import.report.more", { count: format.number(count - list.length) })}`);
}
