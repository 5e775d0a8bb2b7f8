import type { ArticleSummary } from "@/lib/content/articles";
import { formatDay } from "@/lib/format";

/** "Draft" or "Scheduled for 3 March 2027": only articles readers cannot see yet (dev and previews) carry one. */
export function StatusBadge({
  article,
  today = new Date().toISOString().slice(0, 10),
}: {
  article: ArticleSummary;
  today?: string;
}) {
  if (article.draft) return <span className="status-badge">Draft</span>;
  if (article.date > today) return <span className="status-badge">Scheduled for {formatDay(article.date)}</span>;
  return null;
}
