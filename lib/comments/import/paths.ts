import { ImportFileError } from "./source";

// Threads are matched to articles by their URL's path, whatever host the old site had:
// "https://old.example/articles/foo/", "/articles/foo" and "articles/foo?x#y" all name `foo`.
// Other URL patterns are mapped first: "--map /2015/*=/articles/*" or "--map /old-post=/articles/new".

export type PathMap = { from: string; to: string; prefix: boolean };

export function normalizePath(url: string): string {
  let pathname: string;
  try {
    pathname = new URL(url, "http://import.invalid/").pathname;
  } catch {
    return "";
  }
  try {
    pathname = decodeURIComponent(pathname);
  } catch {
    // a stray % stays as it is
  }
  return pathname.replace(/\/+$/, "").toLowerCase() || "/";
}

export function parseMap(text: string, where = "--map"): PathMap {
  const match = /^\s*(\S+?)\s*(?:=|\s)\s*(\S+)\s*$/.exec(text);
  if (!match) throw new ImportFileError(where, "map", `expected old=new, got ${JSON.stringify(text.slice(0, 80))}`);
  const [from, to] = [match[1], match[2]];
  const prefix = from.endsWith("*");
  if (prefix !== to.endsWith("*")) throw new ImportFileError(where, "map", "a * must end both sides or neither");
  const clean = (side: string) =>
    prefix ? normalizePath(side.slice(0, -1)).replace(/\/?$/, "/") : normalizePath(side);
  return { from: clean(from), to: clean(to), prefix };
}

/** A mapping file: one `old=new` (or `old new`) per line; blank lines and # comments ignored. */
export function parseMapFile(text: string, file: string): PathMap[] {
  return text
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.replace(/#.*/, "").trim(), n: i + 1 }))
    .filter(({ line }) => line !== "")
    .map(({ line, n }) => parseMap(line, `${file}:${n}`));
}

/** The article slug a thread URL names, or null. The first matching map applies. */
export function matchArticle(url: string, slugs: ReadonlySet<string>, maps: readonly PathMap[]): string | null {
  let path = normalizePath(url);
  for (const map of maps) {
    if (map.prefix ? `${path}/`.startsWith(map.from) : path === map.from) {
      path = map.prefix ? normalizePath(map.to + `${path}/`.slice(map.from.length)) : map.to;
      break;
    }
  }
  const slug = /^\/articles\/([^/]+)$/.exec(path)?.[1] ?? /^\/([^/]+)$/.exec(path)?.[1];
  return slug && slugs.has(slug) ? slug : null;
}
