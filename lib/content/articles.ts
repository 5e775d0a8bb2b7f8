// The articles: each file in content/ read (its front matter checked by one zod schema, its
// author against authors.yml), rendered, listed, and checked for `npm run check:content`. What was
// read is kept by content-store.ts, which also decides what a file with problems does: it fails the
// build, shows on its page in development, and leaves its last good version up on a live server.
import fs from "node:fs";
import path from "node:path";
import matter from "gray-matter";
import yaml from "js-yaml";
import { z } from "zod";
import { AUTHORS_FILE, checkAuthor, readAuthors, type KnownAuthors } from "./authors";
import { ContentError, type ContentProblem } from "./problems";
import { resolveCover } from "./cover";
import type { RenderedMarkdown, TocEntry } from "./markdown";
import { keepRender, keptRender, readsOf } from "./article-cache";
import { loadPipeline, pipeline, withPipeline } from "./pipeline";
import { readingMinutes } from "./reading-time";
import { articlePath } from "../routes";
import { absoluteUrl } from "../site";
import { SLUG_PATTERN, slugify } from "../slug";
import { isDevelopment, isProduction } from "../settings";
import { canonicalTag, isLanguageTag } from "../i18n/languages";
import {
  CONTENT_DIR,
  pageOf,
  problemsOf,
  publishedSources,
  refusedFiles,
  type ContentReader,
  type RefusedFile,
} from "./content-store";

export { ContentError, CONTENT_DIR };

const PUBLIC_DIR = path.join(process.cwd(), "public");

// A production server renders only what it does not find kept (article-cache.ts), loading the
// pipeline then (content-store.ts reads such a file once it has loaded); the build, development,
// the tests and scripts load it now, so that every read and render stays synchronous.
const rendersKeptOnly =
  process.env.NEXT_RUNTIME === "nodejs" && isProduction() && process.env.NEXT_PHASE !== "phase-production-build";
if (!rendersKeptOnly) await loadPipeline();

/** For the feeds and the fediverse, which render articles with absolute links (not kept): load before listArticlesForFeed. */
export const loadArticlePipeline = async (): Promise<void> => void (await loadPipeline());

// Front matter is read with YAML's core schema, which has no timestamps: js-yaml's own would turn
// an unquoted 2026-13-45 into 14 February 2027 without a word. Dates stay text, checked here.
// (gray-matter's engine type wants an object; zod checks what it really is right after.)
const parseFrontMatter = (text: string) => (yaml.load(text, { schema: yaml.CORE_SCHEMA }) ?? {}) as object;

const isoDay = z.string().transform((day, ctx) => {
  const time = Date.parse(`${day}T00:00:00Z`);
  // Date.parse rolls 2026-02-30 over to March; a real day survives the round trip.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== day) {
    ctx.addIssue({ code: "custom", message: "must be a date written YYYY-MM-DD" });
    return z.NEVER;
  }
  return day;
});

const tag = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .refine((name) => slugify(name) !== "", "must contain a letter or digit");

export const frontMatterSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(200),
    description: z.string().trim().min(1).max(300),
    author: z.string().trim().min(1).max(100),
    /** Optional: the bio of the author's entry in authors.yml (lib/content/authors.ts) stands in. */
    authorBio: z.string().trim().min(1).max(500).optional(),
    date: isoDay,
    /** The last substantial revision; feeds and search engines read it. */
    updated: isoDay.optional(),
    tags: z
      .array(tag)
      .default([])
      .refine((tags) => new Set(tags.map(slugify)).size === tags.length, "lists the same tag twice"),
    draft: z.boolean().default(false),
    /** The series the article is part of; its parts are ordered by date ("part 2 of 4"). */
    series: z.string().trim().min(1).max(100).optional(),
    /**
     * The language of the article's own text when it is not the site's (SITE_LANGUAGE), a BCP 47
     * tag: its <article> carries it (and right to left for Arabic, Urdu…), the chrome around stays the site's.
     */
    lang: z
      .string()
      .trim()
      .refine(isLanguageTag, "must be a language tag (BCP 47), e.g. fr or pt-BR")
      .transform(canonicalTag)
      .optional(),
    /** A cover for the index card: a file in content/ (relative to the article) or public/. */
    image: z.string().trim().min(1).optional(),
  })
  .refine((fm) => !fm.updated || fm.updated >= fm.date, { path: ["updated"], message: "must not be before date" });

export type FrontMatter = z.infer<typeof frontMatterSchema>;
export type ArticleSummary = Omit<FrontMatter, "authorBio"> & {
  authorBio: string;
  /** The author's portrait and link, from authors.yml. */
  authorPhoto?: string;
  authorLink?: string;
  slug: string;
  readingMinutes: number;
};
export type Article = ArticleSummary & { html: string; toc: TocEntry[] };

export type Source = { file: string; summary: ArticleSummary; body: string; bodyLine: number; text: string };
/** The body is kept when the front matter is wrong too, so one pass reports the problems of both. */
export type Parsed = { source?: Source; problems: ContentProblem[]; body?: { text: string; line: number } };

/** Reads one content file, collecting every problem in its name and front matter. */
function parseSource(file: string, authors: KnownAuthors): Parsed {
  const slug = path.basename(file, ".md");
  const problems: ContentProblem[] = [];
  if (!SLUG_PATTERN.test(slug)) {
    problems.push({ file, line: 1, message: "file name must be a slug: lower-case letters, digits and dashes" });
  }
  const text = fs.readFileSync(file, "utf8");
  let parsed: matter.GrayMatterFile<string>;
  try {
    // Passing options also stops gray-matter from caching by content, which would hand back the
    // first parse of identical files.
    parsed = matter(text, { engines: { yaml: parseFrontMatter } });
  } catch (error) {
    const mark = (error as { mark?: { line?: number } }).mark;
    const reason = (error as { reason?: string }).reason ?? (error as Error).message;
    problems.push({ file, line: (mark?.line ?? 0) + 2, message: `front matter is not valid YAML: ${reason}` });
    return { problems };
  }
  const body = parsed.content;
  const bodyLine = text.slice(0, text.length - body.length).split("\n").length - 1;
  const result = frontMatterSchema.safeParse(parsed.data);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const fields = issue.code === "unrecognized_keys" ? issue.keys : [issue.path.join(".") || "(front matter)"];
      for (const field of fields) {
        // A missing field has no line of its own: point at the front matter's opening line.
        const key = field.split(".")[0];
        const present = typeof parsed.data === "object" && parsed.data !== null && key in parsed.data;
        problems.push(
          present
            ? { file, line: fieldLine(text, key), field, message: issue.message }
            : { file, line: 1, field, message: "is required" },
        );
      }
    }
  }
  const author = result.success ? resolveAuthor(result.data, text, file, authors) : null;
  if (author && "message" in author) problems.push(author);
  if (result.success && result.data.image) {
    const cover = resolveCover(result.data.image, file, path.dirname(file));
    if (typeof cover === "string")
      problems.push({ file, line: fieldLine(text, "image"), field: "image", message: cover });
  }
  if (problems.length > 0 || !result.success || !author || "message" in author)
    return { problems, body: { text: body, line: bodyLine } };
  const words = wordsOf(file, body);
  return {
    problems,
    source: {
      file,
      body,
      bodyLine,
      text: words,
      summary: {
        slug,
        ...result.data,
        authorBio: author.bio,
        ...(author.photo && { authorPhoto: author.photo }),
        ...(author.link && { authorLink: author.link }),
        readingMinutes: readingMinutes(words),
      },
    },
  };
}

/** The body's words: kept with its render, or read now (and kept). */
function wordsOf(file: string, body: string): string {
  const dir = path.dirname(file);
  const kept = keptRender(file, body, dir, PUBLIC_DIR);
  if (kept) return kept.text;
  const text = pipeline().plainText(body);
  keepRender(file, body, dir, PUBLIC_DIR, { text });
  return text;
}

/** Whether reading `file` as it is now needs the pipeline: it is not kept (or only its words are, and it is not a draft). */
function needsPipeline(file: string): boolean {
  try {
    const parsed = matter(fs.readFileSync(file, "utf8"), { engines: { yaml: parseFrontMatter } });
    const kept = keptRender(file, parsed.content, path.dirname(file), PUBLIC_DIR);
    return !kept || (!kept.page && (parsed.data as { draft?: unknown }).draft !== true);
  } catch {
    // Unreadable, or its front matter is: read without the pipeline, with its problems.
    return false;
  }
}

/**
 * The article's author checked against the known ones (a typo is refused, not a second author),
 * and the bio it shows: its own `authorBio`, or its author's entry's; the entry's photo and link.
 */
function resolveAuthor(
  front: FrontMatter,
  text: string,
  file: string,
  authors: KnownAuthors,
): { bio: string; photo?: string; link?: string } | ContentProblem {
  const check = checkAuthor(front.author, authors);
  if (check.kind === "unknown")
    return { file, line: fieldLine(text, "author"), field: "author", message: check.message };
  const bio = front.authorBio ?? check.entry?.bio;
  if (bio) return { bio, photo: check.entry?.photo, link: check.entry?.link };
  return {
    file,
    line: 1,
    field: "authorBio",
    message: `is required: ${AUTHORS_FILE} has no bio for '${front.author}'`,
  };
}

/** The line of a top-level front matter key; 1 if it cannot be found. */
function fieldLine(text: string, key: string): number {
  const lines = text.split("\n");
  const index = lines.findIndex((line, i) => i > 0 && new RegExp(`^${escapeRegExp(key)}\\s*:`).test(line));
  return index === -1 ? 1 : index + 1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function contentFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => path.join(dir, name));
}

/**
 * Every problem in every content file: front matter, file names, and what the body refers to
 * (images). `npm run check:content` prints these; none but warnings means the folder publishes.
 */
export function checkContent(dir: string = CONTENT_DIR): ContentProblem[] {
  const authors = readAuthors(dir);
  const articles = contentFiles(dir).flatMap((file) => {
    const { source, problems, body } = parseSource(file, authors);
    if (source) {
      const found = [...unfinished(source), ...render(source, dir).problems.map((problem) => ({ file, ...problem }))];
      // A draft is not rendered by a build, and may be unfinished until `draft: true` goes; its
      // front matter is read by every build, so a problem there fails even in a draft (above).
      return source.summary.draft ? found.map((problem) => ({ ...problem, warning: true as const })) : found;
    }
    // Front matter problems first, then the body's, in one pass.
    const bodyProblems = body
      ? pipeline()
          .renderArticleMarkdown(body.text, { sourceFile: file, contentDir: dir, publicDir: PUBLIC_DIR })
          .problems.map((problem) => ({
            file,
            line: problem.line + body.line,
            message: problem.message,
          }))
      : [];
    return [...problems, ...bodyProblems];
  });
  return [...authors.problems, ...articles];
}

/** The description `npm run new` writes, left as it was: fine while writing, flagged before publishing. */
function unfinished(source: Source): ContentProblem[] {
  if (!/^TODO\b/.test(source.summary.description)) return [];
  const line = fieldLine(fs.readFileSync(source.file, "utf8"), "description");
  const message = "still says TODO: write one or two sentences about the article";
  return [{ file: source.file, line, field: "description", message }];
}

/** Every reading of content/ goes through the store (content-store.ts), which keeps what it read. */
export const reader: ContentReader = { authors: readAuthors, parse: parseSource, render, needsPipeline };

function readAll(dir: string): Source[] {
  return publishedSources(dir, reader);
}

/**
 * The body as HTML, its problems at their lines in the file. A page is kept on disk by version
 * (article-cache.ts) and in memory by pageOf; a feed's render (absolute links) only in memory.
 */
function render(source: Source, dir: string, feedUrl?: string): RenderedMarkdown {
  const rendered = feedUrl ? renderNow(source, dir, feedUrl) : keptPage(source, dir);
  return {
    ...rendered,
    problems: rendered.problems.map((problem) => ({ ...problem, line: problem.line + source.bodyLine })),
  };
}

function keptPage(source: Source, dir: string): RenderedMarkdown {
  const kept = keptRender(source.file, source.body, dir, PUBLIC_DIR)?.page;
  if (kept) return kept;
  const { reads = [], drawing, ...page } = renderNow(source, dir);
  // A render still waiting for a diagram is read again once it is drawn (content-store.ts), and kept then.
  if (!drawing)
    keepRender(source.file, source.body, dir, PUBLIC_DIR, { text: source.text, page, reads: readsOf(reads) });
  return page;
}

function renderNow(source: Source, dir: string, feedUrl?: string): RenderedMarkdown {
  return pipeline().renderArticleMarkdown(source.body, {
    sourceFile: source.file,
    contentDir: dir,
    publicDir: PUBLIC_DIR,
    absoluteBase: feedUrl,
  });
}

function renderOrThrow(source: Source, dir: string, feedUrl?: string): Article {
  const { html, toc, problems } = pageOf(dir, source, reader, feedUrl);
  if (problems.length > 0) {
    throw new ContentError(problems.map((problem) => ({ file: source.file, ...problem })));
  }
  return { ...source.summary, html, toc };
}

/**
 * The files in content/ that cannot be published as they are, with their problems, and whether
 * their last good version is up (for /admin; a production server keeps it up, see content-store.ts).
 */
export function filesWithProblems(dir: string = CONTENT_DIR): RefusedFile[] {
  try {
    readAll(dir);
  } catch {
    // Outside a production server every problem throws; they are listed all the same.
  }
  return refusedFiles(dir);
}

/** Drafts and articles dated in the future are visible while writing (`next dev`) only. */
export function showDrafts(): boolean {
  return !isProduction();
}

export type ReadOptions = {
  dir?: string;
  /** Also show drafts and articles whose date has not come yet. */
  includeDrafts?: boolean;
  /** The calendar day that counts as today (YYYY-MM-DD, UTC); tests pin it. */
  today?: string;
};

function isVisible(article: ArticleSummary, options: ReadOptions): boolean {
  const { includeDrafts = showDrafts(), today = new Date().toISOString().slice(0, 10) } = options;
  return includeDrafts || (!article.draft && article.date <= today);
}

function visibleSources(options: ReadOptions): Source[] {
  // Today's date once, not once per article: a page lists the articles several times.
  const once = { ...options, today: options.today ?? new Date().toISOString().slice(0, 10) };
  return readAll(options.dir ?? CONTENT_DIR)
    .filter((source) => isVisible(source.summary, once))
    .sort((a, b) => b.summary.date.localeCompare(a.summary.date) || a.summary.title.localeCompare(b.summary.title));
}

/** Published articles, newest first. Throws ContentError listing every malformed file. */
export function listArticles(options: ReadOptions = {}): ArticleSummary[] {
  return visibleSources(options).map((source) => source.summary);
}

/** Published articles with their words, for search. */
export function listArticleTexts(options: ReadOptions = {}): { article: ArticleSummary; text: string }[] {
  return visibleSources(options).map((source) => ({ article: source.summary, text: source.text }));
}

/** One article with its body as HTML, or null when no visible article has that slug. */
export async function getArticle(slug: string, options: ReadOptions = {}): Promise<Article | null> {
  const dir = options.dir ?? CONTENT_DIR;
  const source = readAll(dir).find((candidate) => candidate.summary.slug === slug);
  // In development a broken file's own page shows its problems (the others read on).
  const broken = isDevelopment() ? problemsOf(dir, slug) : [];
  if (broken.length > 0) throw new ContentError(broken);
  if (!source || !isVisible(source.summary, options)) return null;
  // A draft's preview, or a page a production server has not rendered: the pipeline loads first.
  return withPipeline(() => renderOrThrow(source, dir));
}

/** Whether a visible article has that slug, without rendering it: every comment post asks. */
export function articleExists(slug: string, options: ReadOptions = {}): boolean {
  const source = readAll(options.dir ?? CONTENT_DIR).find((candidate) => candidate.summary.slug === slug);
  return source !== undefined && isVisible(source.summary, options);
}

/**
 * Published articles rendered for feed readers, newest first: links and images point at absolute
 * URLs, because a feed is read away from the site.
 */
export function listArticlesForFeed(options: ReadOptions & { limit?: number } = {}): Article[] {
  const dir = options.dir ?? CONTENT_DIR;
  return visibleSources(options)
    .slice(0, options.limit)
    .map((source) => renderOrThrow(source, dir, absoluteUrl(articlePath(source.summary.slug))));
}

/** One published article rendered as for a feed (absolute links): what the fediverse is sent. */
export function getArticleForFeed(slug: string, options: ReadOptions = {}): Article | null {
  const dir = options.dir ?? CONTENT_DIR;
  const source = visibleSources(options).find((candidate) => candidate.summary.slug === slug);
  return source ? renderOrThrow(source, dir, absoluteUrl(articlePath(slug))) : null;
}

/** The published articles either side of one, by date: `newer` is the next one to read. */
export function adjacentArticles(
  slug: string,
  options: ReadOptions = {},
): { newer: ArticleSummary | null; older: ArticleSummary | null } {
  const articles = listArticles(options);
  const index = articles.findIndex((article) => article.slug === slug);
  if (index === -1) return { newer: null, older: null };
  return { newer: articles[index - 1] ?? null, older: articles[index + 1] ?? null };
}
