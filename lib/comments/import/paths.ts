import { say, type ImportMessage, type Said } from "./message";
import { ImportFileError } from "./source";

// Threads are matched to articles by their URL's path, whatever host the old site had:
// "https://old.example/articles/foo/", "/articles/foo" and "articles/foo?x#y" all name `foo`.
// WordPress's query-string permalinks ("/?p=4", "/?page_id=2") name a post, not the home page,
// so those two keys are kept and each stays a thread of its own. A WordPress comment also names
// its post's slug (post_name): the article with that slug takes it when nothing else matched.
//
// Other URL patterns are mapped first (`--map`, a map file, the /admin form), one map a line:
//   /old-post -> /articles/new      one page (also `old new`, or `old=new` when it has one "=")
//   /?p=4 -> /articles/hello        a query-string permalink
//   /2015/* -> /articles/*          everything below a folder, the rest of the path kept
//   /*/*/*/{slug}/                  a pattern: each * one folder, {slug} the article's slug
//   /blog/{slug}.html -> /articles/{slug}

export type PathMap = {
  /** The old path, normalized: literal folders, `*` (any one folder) and `{slug}`; with `prefix`, a folder. */
  from: string;
  /** The new path; may use {slug}, and with `prefix` gets the rest of the old path. */
  to: string;
  /** The old form `/a/* -> /b/*`: everything below `from` goes below `to`. */
  prefix: boolean;
};

/** Query keys that name a WordPress post; any other query string is dropped. */
const POST_QUERY_KEYS = ["p", "page_id"];
const SLUG = "{slug}";

/** The path (and a post's query key) a thread URL is matched by, lower-cased, without a trailing slash. */
export function normalizePath(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url, "http://import.invalid/");
  } catch {
    return "";
  }
  let pathname = parsed.pathname;
  try {
    pathname = decodeURIComponent(pathname);
  } catch {
    // a stray % stays as it is
  }
  pathname = pathname.replace(/\/+$/, "").toLowerCase() || "/";
  const post = POST_QUERY_KEYS.find((key) => /^\d{1,20}$/.test(parsed.searchParams.get(key) ?? ""));
  return post ? `${pathname}?${post}=${parsed.searchParams.get(post)}` : pathname;
}

export function parseMap(text: string, where: Said = "--map"): PathMap {
  const fail = (why: ImportMessage): never => {
    throw new ImportFileError(
      where,
      "map",
      say("admin.import.why.mapIn", { why, text: JSON.stringify(text.slice(0, 80)) }),
    );
  };
  const split = splitMap(text.trim());
  if (!Array.isArray(split)) fail(split);
  const [from, to] = split as [string, string];
  if (from.split(SLUG).length > 2) fail(say("admin.import.why.mapSlugTwice"));
  if (to.includes(SLUG) && !from.includes(SLUG)) fail(say("admin.import.why.mapSlugNew"));
  if (to === "" && !from.includes(SLUG)) fail(say("admin.import.why.mapNoNew"));
  if (to.endsWith("*") && !from.endsWith("*")) fail(say("admin.import.why.mapStar"));
  const prefix = from.endsWith("*") && to.endsWith("*");
  if (prefix && (from.includes(SLUG) || to.includes(SLUG))) fail(say("admin.import.why.mapStarSlug"));
  if (prefix) {
    const folder = (side: string) => normalizePath(side.slice(0, -1)).replace(/\/?$/, "/");
    return { from: folder(from), to: folder(to), prefix };
  }
  return { from: normalizePath(from), to, prefix };
}

/** Old and new, split at " -> ", at the space between them, or at a lone "=" (the first form); or why not. */
function splitMap(line: string): [string, string] | ImportMessage {
  const expected = say("admin.import.why.mapExpected");
  const arrow = line.split("->");
  if (arrow.length === 2) return arrow[0].trim() && arrow[1].trim() ? [arrow[0].trim(), arrow[1].trim()] : expected;
  if (arrow.length > 2) return say("admin.import.why.mapArrows");
  const words = line.split(/\s+/);
  if (words.length === 2) return [words[0], words[1]];
  if (words.length === 3 && words[1] === "=") return [words[0], words[2]];
  if (words.length > 2) return expected;
  const sides = line.split("=");
  if (sides.length === 2 && sides[0] && sides[1]) return [sides[0], sides[1]];
  // No separator (or an "=" inside the old path): a pattern naming the slug.
  if (line.includes(SLUG)) return [line, ""];
  return sides.length > 2 ? say("admin.import.why.mapEquals") : expected;
}

/** A mapping file (or, without its name, the /admin form's field): one map per line; blank lines and # comments ignored. */
export function parseMapFile(text: string, file?: string): PathMap[] {
  return text
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.replace(/(^|\s)#.*/, "").trim(), n: i + 1 }))
    .filter(({ line }) => line !== "")
    .map(({ line, n }) => parseMap(line, file ? `${file}:${n}` : say("admin.import.record.mapLine", { line: n })));
}

const patterns = new Map<string, RegExp>();

/** The old path as a regular expression: `*` one folder, {slug} one folder kept as `slug`. */
function patternOf(from: string): RegExp {
  let pattern = patterns.get(from);
  if (!pattern) {
    const source = from
      .split("/")
      .map((part) =>
        part === "*"
          ? "[^/]+"
          : part
              .split(SLUG)
              .map((text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
              .join("(?<slug>[^/?]+)"),
      )
      .join("/");
    pattern = new RegExp(`^${source}$`);
    patterns.set(from, pattern);
  }
  return pattern;
}

/** Where a map sends a normalized path, or null when it does not apply. */
function applyMap(map: PathMap, path: string): string | null {
  if (map.prefix)
    return `${path}/`.startsWith(map.from) ? normalizePath(map.to + `${path}/`.slice(map.from.length)) : null;
  const match = patternOf(map.from).exec(path);
  if (!match) return null;
  const slug = match.groups?.slug;
  return normalizePath(slug === undefined ? map.to : (map.to || `/articles/${SLUG}`).replaceAll(SLUG, slug));
}

/**
 * The article slug a thread names, or null: the first map that applies to its URL, else the URL
 * itself, else the slug the old system gave the post (WordPress's post_name).
 */
export function matchArticle(
  url: string,
  slugs: ReadonlySet<string>,
  maps: readonly PathMap[],
  postSlug?: string,
): string | null {
  let path = normalizePath(url);
  for (const map of maps) {
    const mapped = applyMap(map, path);
    if (mapped !== null) {
      path = mapped;
      break;
    }
  }
  const slug = /^\/articles\/([^/?]+)$/.exec(path)?.[1] ?? /^\/([^/?]+)$/.exec(path)?.[1];
  if (slug && slugs.has(slug)) return slug;
  const fallback = postSlug?.trim().toLowerCase();
  return fallback && slugs.has(fallback) ? fallback : null;
}
