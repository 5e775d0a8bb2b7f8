import fs from "node:fs";
import path from "node:path";
import matter from "gray-matter";
import { z } from "zod";
import { renderArticleMarkdown } from "./markdown";

const CONTENT_DIR = path.join(process.cwd(), "content");
const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

// YAML turns an unquoted 2026-11-20 into a Date; a quoted one stays a string. Accept both, keep
// the calendar day.
const isoDay = z.union([z.date(), z.string()]).transform((value, ctx) => {
  const day = value instanceof Date ? value.toISOString().slice(0, 10) : value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day))) {
    ctx.addIssue({ code: "custom", message: "must be a date written YYYY-MM-DD" });
    return z.NEVER;
  }
  return day;
});

export const frontMatterSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().min(1).max(300),
  author: z.string().trim().min(1).max(100),
  authorBio: z.string().trim().min(1).max(500),
  date: isoDay,
  tags: z.array(z.string().trim().min(1).max(40)).default([]),
  draft: z.boolean().default(false),
});

export type FrontMatter = z.infer<typeof frontMatterSchema>;
export type ArticleSummary = FrontMatter & { slug: string };
export type Article = ArticleSummary & { html: string };

/** A content file that cannot be published; the message names the file and the field. */
export class ContentError extends Error {
  constructor(file: string, detail: string) {
    super(`${path.relative(process.cwd(), file) || file}: ${detail}`);
    this.name = "ContentError";
  }
}

type Source = { summary: ArticleSummary; body: string };

function readSource(file: string): Source {
  const slug = path.basename(file, ".md");
  if (!SLUG_PATTERN.test(slug)) {
    throw new ContentError(file, "file name must be a slug: lower-case letters, digits and dashes");
  }
  let parsed: matter.GrayMatterFile<string>;
  try {
    // An empty options object stops gray-matter from caching by content, which would hand back
    // the first parse of identical files.
    parsed = matter(fs.readFileSync(file, "utf8"), {});
  } catch (error) {
    throw new ContentError(file, `front matter is not valid YAML (${(error as Error).message})`);
  }
  const result = frontMatterSchema.safeParse(parsed.data);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const field = issue.path.join(".") || (issue.code === "unrecognized_keys" ? issue.keys.join(", ") : "(front matter)");
      return `field "${field}": ${issue.message}`;
    });
    throw new ContentError(file, problems.join("; "));
  }
  return { summary: { slug, ...result.data }, body: parsed.content };
}

/** Drafts are visible while writing (`next dev`) and never in a production build. */
export function showDrafts(): boolean {
  return process.env.NODE_ENV !== "production";
}

// A production build publishes the content it was built with, so files are read once there; in
// development every call reads them afresh so edits show on reload.
const cache = new Map<string, Source[]>();

function readAll(dir: string): Source[] {
  const cached = cache.get(dir);
  if (cached) return cached;
  const files = fs.readdirSync(dir).filter((name) => name.endsWith(".md")).sort();
  const sources = files.map((name) => readSource(path.join(dir, name)));
  if (process.env.NODE_ENV === "production") cache.set(dir, sources);
  return sources;
}

/** Published articles, newest first. Throws ContentError for the first malformed file. */
export function listArticles(options: { dir?: string; includeDrafts?: boolean } = {}): ArticleSummary[] {
  const { dir = CONTENT_DIR, includeDrafts = showDrafts() } = options;
  return readAll(dir)
    .map((source) => source.summary)
    .filter((article) => includeDrafts || !article.draft)
    .sort((a, b) => b.date.localeCompare(a.date) || a.title.localeCompare(b.title));
}

/** One article with its body as HTML, or null when no published article has that slug. */
export async function getArticle(
  slug: string,
  options: { dir?: string; includeDrafts?: boolean } = {},
): Promise<Article | null> {
  const { dir = CONTENT_DIR, includeDrafts = showDrafts() } = options;
  const source = readAll(dir).find((candidate) => candidate.summary.slug === slug);
  if (!source || (source.summary.draft && !includeDrafts)) return null;
  return { ...source.summary, html: await renderArticleMarkdown(source.body) };
}
