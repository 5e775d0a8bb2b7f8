import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import { z } from "zod";
import type { ArticleSummary } from "./articles";
import type { ContentProblem } from "./problems";
import { site } from "../site";
import { slugify } from "../slug";
import { resolveCover } from "./cover";

// Who writes here. The authors are described once, in `authors.yml` beside the articles (a name
// and a bio each); the site's own author (lib/site.ts, whom `npm run new` writes in) is always
// one of them. An article names its author, and a name no entry has is refused with the nearest
// one: a typo would otherwise make a second author page. Each author's page is built from the
// articles they wrote.

export const AUTHORS_FILE = "authors.yml";

const entrySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  bio: z.string().trim().min(1).max(500),
  /** A portrait: an image in content/ (relative to authors.yml) or public/ (starting with /). */
  photo: z.string().trim().min(1).optional(),
  /** Where readers find more of them: their own site or profile. */
  link: z
    .url({ protocol: /^https?$/, error: "must be an http(s) address" })
    .max(500)
    .optional(),
});
/** An author as shown: `photo` is the portrait's address on the site, once resolved. */
export type AuthorEntry = z.infer<typeof entrySchema>;

export type KnownAuthors = {
  entries: AuthorEntry[];
  /** Problems of authors.yml itself; while there are any, articles' authors are not checked against it. */
  problems: ContentProblem[];
};

/** The authors a content folder knows: its authors.yml's entries, then the site's author if it has none. */
export function readAuthors(dir: string): KnownAuthors {
  const file = path.join(dir, AUTHORS_FILE);
  const withSite = (entries: AuthorEntry[]) =>
    entries.some((entry) => entry.name === site.author.name) ? entries : [...entries, { ...site.author }];
  if (!fs.existsSync(file)) return { entries: withSite([]), problems: [] };
  const text = fs.readFileSync(file, "utf8");
  let data: unknown;
  try {
    data = yaml.load(text, { schema: yaml.CORE_SCHEMA }) ?? [];
  } catch (error) {
    const { mark, reason } = error as { mark?: { line?: number }; reason?: string };
    return {
      entries: withSite([]),
      problems: [{ file, line: (mark?.line ?? 0) + 1, message: `not valid YAML: ${reason}` }],
    };
  }
  const parsed = z.array(entrySchema).safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const [index, field] = issue.path;
      const key = field ?? (issue.code === "unrecognized_keys" ? issue.keys.join(", ") : undefined);
      const where = typeof index === "number" ? `author ${index + 1}` : "the file";
      const what =
        key === undefined
          ? `${issue.message} (a list of entries, each with a name and a bio)`
          : `"${String(key)}": ${issue.message}`;
      return { file, line: entryLine(text, index), message: `${where}: ${what}` };
    });
    return { entries: withSite([]), problems };
  }
  const seen = new Map<string, string>();
  const problems: ContentProblem[] = [];
  const entries = parsed.data.map((entry, index) => {
    if (!entry.photo) return entry;
    const photo = resolveCover(entry.photo, file, dir);
    if (typeof photo !== "string") return { ...entry, photo: photo.src };
    problems.push({ file, line: entryLine(text, index), message: `author ${index + 1}: "photo": ${photo}` });
    return { ...entry, photo: undefined };
  });
  parsed.data.forEach((entry, index) => {
    const twin = seen.get(slugify(entry.name));
    if (twin !== undefined)
      problems.push({
        file,
        line: entryLine(text, index),
        message: `"${entry.name}" is "${twin}" again (one author page)`,
      });
    seen.set(slugify(entry.name), entry.name);
  });
  return { entries: withSite(entries), problems };
}

/** The line of the `index`-th entry ("- name: …") of authors.yml; 1 if it cannot be found. */
function entryLine(text: string, index: unknown): number {
  if (typeof index !== "number") return 1;
  const starts = text.split("\n").flatMap((line, i) => (/^-(\s|$)/.test(line) ? [i + 1] : []));
  return starts[index] ?? 1;
}

export type AuthorCheck = { kind: "known"; entry: AuthorEntry | null } | { kind: "unknown"; message: string };

/** Whether an article's `author` is one of the known authors; if not, the message names the nearest. */
export function checkAuthor(name: string, known: KnownAuthors): AuthorCheck {
  const entry = known.entries.find((candidate) => candidate.name === name) ?? null;
  if (entry || known.problems.length > 0) return { kind: "known", entry };
  const nearest = nearestName(
    name,
    known.entries.map((candidate) => candidate.name),
  );
  return {
    kind: "unknown",
    message: nearest
      ? `unknown author '${name}' (did you mean '${nearest}'?)`
      : `unknown author '${name}': describe them in ${AUTHORS_FILE} beside the articles (a name and a bio)`,
  };
}

/** The known name nearest to `name` (case aside), if it is near enough to be the one meant. */
export function nearestName(name: string, names: string[]): string | null {
  let best: { name: string; distance: number } | null = null;
  for (const candidate of names) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  // A third of the name's letters (at least 2) can be typos; more, and it is someone else.
  return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.name : null;
}

/** Levenshtein distance: the fewest letters to insert, delete or change to turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

export type Author = {
  name: string;
  slug: string;
  bio: string;
  photo?: string;
  link?: string;
  articles: ArticleSummary[];
};

/** Everyone who wrote a published article, with the bio of their newest one. */
export function listAuthors(articles: ArticleSummary[]): Author[] {
  const authors = new Map<string, Author>();
  // Articles come newest first, so the first one seen gives the current bio.
  for (const article of articles) {
    const slug = slugify(article.author);
    const author = authors.get(slug) ?? {
      name: article.author,
      slug,
      bio: article.authorBio,
      photo: article.authorPhoto,
      link: article.authorLink,
      articles: [],
    };
    author.articles.push(article);
    authors.set(slug, author);
  }
  return [...authors.values()];
}

export function findAuthor(slug: string, articles: ArticleSummary[]): Author | null {
  return listAuthors(articles).find((author) => author.slug === slug) ?? null;
}
