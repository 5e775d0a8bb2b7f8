import type { ArticleSummary } from "./articles";

export type SearchResult = { article: ArticleSummary; excerpt: string; score: number };

// A match in the title says more about an article than one in its body.
const WEIGHTS = { title: 8, tags: 5, description: 3, text: 1 } as const;
const EXCERPT_RADIUS = 90;
const MAX_TERMS = 10;

/** Lower-case words of a query, accents folded: "Café  NEXT" → ["cafe", "next"]. */
export function searchTerms(query: string): string[] {
  const terms = fold(query).match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(terms)].slice(0, MAX_TERMS);
}

/**
 * Lower case without accents, keeping the text's length so positions in the folded text are
 * positions in the original (a character whose folding would change the length, such as "…",
 * is only lower-cased).
 */
function fold(text: string): string {
  return Array.from(text, (char) => {
    const folded = char
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase();
    if (folded.length === char.length) return folded;
    const lower = char.toLowerCase();
    return lower.length === char.length ? lower : char;
  }).join("");
}

/**
 * Articles that contain every term of the query in their title, description, tags or body, best
 * first. A plain scan: the site holds tens of articles, and the text is already in memory.
 */
export function searchArticles(query: string, documents: { article: ArticleSummary; text: string }[]): SearchResult[] {
  const terms = searchTerms(query);
  if (terms.length === 0) return [];
  const results: SearchResult[] = [];
  for (const { article, text } of documents) {
    const fields = {
      title: fold(article.title),
      tags: fold(article.tags.join(" ")),
      description: fold(article.description),
      text: fold(text),
    };
    let score = 0;
    let everyTerm = true;
    for (const term of terms) {
      let termScore = 0;
      for (const field of Object.keys(WEIGHTS) as (keyof typeof WEIGHTS)[]) {
        if (fields[field].includes(term)) termScore += WEIGHTS[field];
      }
      if (termScore === 0) everyTerm = false;
      score += termScore;
    }
    if (everyTerm) results.push({ article, score, excerpt: excerpt(text, terms) ?? article.description });
  }
  return results.sort((a, b) => b.score - a.score || b.article.date.localeCompare(a.article.date));
}

/** The body around the first term it contains, cut at word boundaries. */
function excerpt(text: string, terms: string[]): string | null {
  const folded = fold(text);
  const at = Math.min(...terms.map((term) => folded.indexOf(term)).filter((index) => index >= 0));
  if (!Number.isFinite(at)) return null;
  let start = Math.max(0, at - EXCERPT_RADIUS);
  let end = Math.min(text.length, at + EXCERPT_RADIUS);
  if (start > 0) start = text.indexOf(" ", start) + 1;
  if (end < text.length) end = Math.max(text.lastIndexOf(" ", end), at + 1);
  return `${start > 0 ? "…" : ""}${text.slice(start, end).trim()}${end < text.length ? "…" : ""}`;
}

/** Splits text into runs, marking those that match a term, for <mark> in results. */
export function markTerms(text: string, terms: string[]): { text: string; match: boolean }[] {
  const folded = fold(text);
  if (terms.length === 0) return [{ text, match: false }];
  const parts: { text: string; match: boolean }[] = [];
  let plainFrom = 0;
  let at = 0;
  while (at < text.length) {
    const term = terms.find((candidate) => folded.startsWith(candidate, at));
    if (!term) {
      at += 1;
      continue;
    }
    if (at > plainFrom) parts.push({ text: text.slice(plainFrom, at), match: false });
    parts.push({ text: text.slice(at, at + term.length), match: true });
    at += term.length;
    plainFrom = at;
  }
  if (plainFrom < text.length) parts.push({ text: text.slice(plainFrom), match: false });
  return parts;
}
