import { escapeHtml } from "../html-escape";
import { siteLanguage } from "../i18n";

/**
 * A page of a few lines, without scripts or styles: what a form sent without JavaScript gets when
 * it is refused before any page of the site can answer (an oversized body, a damaged form, …).
 */
export function plainPage(
  status: number,
  page: { title: string; heading?: string; text: string; back?: string },
): Response {
  const { title, heading = title, text, back } = page;
  const { t, tag, dir } = siteLanguage();
  const link = back ? `<p><a href="${escapeHtml(back)}">${escapeHtml(t("refused.back"))}</a></p>` : "";
  return new Response(
    `<!doctype html><html lang="${escapeHtml(tag)}"${dir === "rtl" ? ' dir="rtl"' : ""}><meta charset="utf-8"><title>${escapeHtml(title)}</title><body><h1>${escapeHtml(heading)}</h1><p>${escapeHtml(text)}</p>${link}</body></html>`,
    { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } },
  );
}
