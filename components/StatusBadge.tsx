import type { ArticleSummary } from "@/lib/content/articles";
import { siteLanguage } from "@/lib/i18n";

/** "Draft" or "Scheduled for 3 March 2027": only articles readers cannot see yet (dev and previews) carry one. */
export function StatusBadge({
  article,
  today = new Date().toISOString().slice(0, 10),
}: {
  article: ArticleSummary;
  today?: string;
}) {
  const { t, format } = siteLanguage();
  if (article.draft) return <span className="status-badge">{t("article.draft")}</span>;
  if (article.date > today)
    return <span className="status-badge">{t("article.scheduled", { date: format.day(article.date) })}</span>;
  return null;
}
