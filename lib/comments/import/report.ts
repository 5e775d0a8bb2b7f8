import type { ImportReport } from "./run";
import { FILTERS, SKIP_REASONS, type SkipReason } from "./source";
import { articlePath } from "../../routes";

// The report as the terminal and the /admin job page show it. A job's report is kept as JSON in
// its row, so one written by an older version (fewer fields) is read with defaults.

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

export function formatReport(stored: ImportReport): string {
  const report: ImportReport = {
    ...stored,
    skippedBy: stored.skippedBy ?? {},
    kept: stored.kept ?? [],
    keptCount: stored.keptCount ?? 0,
    locked: stored.locked ?? [],
    bans: stored.bans ?? [],
  };
  const refused = report.refusedCount > 0;
  const lines: string[] = [];
  if (refused) {
    lines.push(`Refused: ${plural(report.refusedCount, "problem")}; nothing was written.`);
    listed(lines, report.refused, report.refusedCount);
    if (report.strict)
      lines.push("(--strict: without it, these records are skipped or kept alone and the rest imported)");
  }
  const verb = report.dryRun ? "Would import" : refused ? "Would have imported" : "Imported";
  lines.push(`${verb} from ${report.format}: ${plural(report.read, "comment")} read`);
  for (const [slug, count] of Object.entries(report.perArticle).sort(([a], [b]) => a.localeCompare(b)))
    lines.push(`  ${articlePath(slug)}: ${count}`);
  if (report.pending)
    lines.push(`Waiting for approval: ${report.pending} (pending in ${report.format}, or held for review)`);
  if (report.orphans)
    lines.push(`Kept on their own: ${plural(report.orphans, "reply", "replies")} whose parent is not imported`);
  if (report.placeholders)
    lines.push(`Kept as the place of their replies: ${plural(report.placeholders, "deleted comment")}`);
  skippedLines(lines, report);
  if (report.kept.length) {
    lines.push("Imported with a change:");
    listed(lines, report.kept, report.keptCount);
  }
  if (report.locked.length) lines.push(`Locked, as in ${report.format}: ${report.locked.map(articlePath).join(", ")}`);
  for (const ban of report.bans)
    lines.push(
      `Banned by name: ${ban.name} (${ban.until ? `until ${ban.until.slice(0, 10)}` : "no end"}): ${ban.note}`,
    );
  if (!refused)
    lines.push(
      `${report.dryRun ? "Would add" : "Added"}: ${report.added.toLocaleString("en")} new, ${report.alreadyThere.toLocaleString("en")} already there`,
    );
  return lines.join("\n");
}

function skippedLines(lines: string[], report: ImportReport) {
  const reasons = Object.entries(report.skippedBy) as Array<[SkipReason, number]>;
  if (reasons.length) lines.push(`Skipped: ${plural(report.skippedCount, "record")}`);
  for (const [reason, count] of reasons)
    lines.push(`  ${count.toLocaleString("en")} ${SKIP_REASONS[reason] ?? reason}`);
  const unmatched = Object.entries(report.unmatched).sort(([a], [b]) => a.localeCompare(b));
  if (unmatched.length) {
    lines.push("URLs that match no article (add --map old -> new, or a pattern such as /*/*/*/{slug}/):");
    for (const [url, count] of unmatched) lines.push(`  ${url}: ${count}`);
  }
  if (report.skipped.length) {
    lines.push("Records skipped (the rest are imported):");
    const problems = reasons.filter(([reason]) => !FILTERS.has(reason)).reduce((sum, [, count]) => sum + count, 0);
    listed(lines, report.skipped, Math.max(problems, report.skipped.length));
  }
}

function listed(lines: string[], list: ImportReport["skipped"], count: number) {
  for (const r of list) lines.push(`  ${r.record}: ${r.field ? `${r.field}: ` : ""}${r.reason}`);
  if (count > list.length) lines.push(`  … and ${(count - list.length).toLocaleString("en")} more`);
}
