import type { ImportReport } from "./run";
import { articlePath } from "../../routes";

/** The report as the terminal shows it (the admin page renders the same fields as HTML). */
export function formatReport(report: ImportReport): string {
  const lines: string[] = [];
  const articles = Object.entries(report.perArticle).sort(([a], [b]) => a.localeCompare(b));
  const unmatched = Object.entries(report.unmatched).sort(([a], [b]) => a.localeCompare(b));
  if (report.refusedCount > 0) {
    lines.push(
      `Refused: ${report.refusedCount} record${report.refusedCount === 1 ? "" : "s"} cannot be imported; nothing was written.`,
    );
    for (const r of report.refused) lines.push(`  ${r.record}: ${r.field}: ${r.reason}`);
    if (report.refusedCount > report.refused.length)
      lines.push(`  … and ${report.refusedCount - report.refused.length} more`);
  }
  lines.push(
    `${report.dryRun ? "Would import" : report.refusedCount ? "Would have imported" : "Imported"} from ${report.format}: ${report.read} comments read`,
  );
  for (const [slug, count] of articles) lines.push(`  ${articlePath(slug)}: ${count}`);
  if (unmatched.length) {
    lines.push("URLs that match no article (their comments are skipped; add --map old=new):");
    for (const [url, count] of unmatched) lines.push(`  ${url}: ${count}`);
  }
  if (report.flagged)
    lines.push(`Held for review: ${report.flagged} (over-long, too many links, or spam in ${report.format})`);
  if (report.skippedDeleted) lines.push(`Skipped: ${report.skippedDeleted} deleted without replies`);
  if (report.skippedOther) lines.push(`Skipped: ${report.skippedOther} pingbacks and trackbacks`);
  if (report.skippedCount) {
    lines.push(
      `Skipped: ${report.skippedCount} record${report.skippedCount === 1 ? "" : "s"} (the rest are imported):`,
    );
    for (const r of report.skipped) lines.push(`  ${r.record}: ${r.reason}`);
    if (report.skippedCount > report.skipped.length)
      lines.push(`  … and ${report.skippedCount - report.skipped.length} more`);
  }
  if (!report.dryRun && report.refusedCount === 0)
    lines.push(`Added: ${report.added}; already there from an earlier import: ${report.alreadyThere}`);
  return lines.join("\n");
}
