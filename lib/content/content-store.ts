import fs from "node:fs";
import path from "node:path";
import type { Parsed, Source } from "./articles";
import { AUTHORS_FILE, type KnownAuthors } from "./authors";
import type { RenderedMarkdown } from "./markdown";
import { isImageFile } from "./media";
import { isPipelineNotLoaded, loadPipeline, pipelineLoaded } from "./pipeline";
import { ContentError, type ContentProblem } from "./problems";
import { processWide } from "../process-wide";
import { isDevelopment, settings } from "../settings";

// What content/ holds, read once and kept per folder for the whole process, each file by its
// signature (size, times, inode) so that a later read parses only the files that changed. How a
// read treats a file with problems depends on who reads:
// - the build, the tests and the scripts ("strict"): every problem (the front matter, or the body
//   of an article readers will see) throws ContentError, listing all;
// - `npm run dev`: the folder is looked at again on every call, a broken file's own page shows its
//   problems and the others read on;
// - a production server ("live", from startLiveContent in live-content.ts): the folder is read
//   again only when the watcher, the periodic rescan or another instance says so; a changed file is
//   checked as the build checks it (front matter and body) before it replaces what readers see,
//   and one with problems leaves the last good version up (a new one stays unpublished), its
//   problems kept for the log and /admin.
// Lightweight on purpose (no markdown here): instrumentation.ts loads it to watch; the parsing and
// rendering are the `ContentReader` that articles.ts hands over (live-content.ts at start). Live,
// the pipeline loads only for a file whose render is not kept (article-cache.ts): before a read
// that needs it (refreshContentSoon), or, when a read finds one unexpectedly, that file is left as
// it was and read again once the pipeline has loaded.

/** content/, or CONTENT_DIR (the end-to-end tests point it at a fixture folder). */
const contentDirSetting = settings().CONTENT_DIR;
export const CONTENT_DIR = contentDirSetting
  ? path.resolve(/*turbopackIgnore: true*/ contentDirSetting)
  : path.join(process.cwd(), "content");

/** What articles.ts does with a file: read its front matter, render its body. */
export type ContentReader = {
  authors: (dir: string) => KnownAuthors;
  parse: (file: string, authors: KnownAuthors) => Parsed;
  /** Problems' lines are the file's. `feedUrl`: links and images absolute, for a feed. */
  render: (source: Source, dir: string, feedUrl?: string) => RenderedMarkdown;
  /** Whether reading the file as it is now renders (it is not kept): the pipeline must be loaded first. */
  needsPipeline: (file: string) => boolean;
};

type Published = {
  source: Source;
  /** Its page: rendered when first asked for, or (live) before it was published. */
  page?: RenderedMarkdown;
  /** Its renders for feeds, by the article's absolute URL. */
  feeds: Map<string, RenderedMarkdown>;
};

type Entry = {
  signature: string;
  /** What readers get: the file as it is when it has no problem; live, its last good version. */
  published?: Published;
  problems: ContentProblem[];
};

type Folder = {
  live: boolean;
  loaded: boolean;
  /** Something may have changed since the last read (live: read again before the next answer). */
  dirty: boolean;
  entries: Map<string, Entry>;
  /** The signature of authors.yml and every image: a change there reads every article again. */
  assets: string;
  authors?: KnownAuthors;
  /** The published sources, in file name order. */
  sources: Source[];
  /** Counts the changes to what readers get. */
  version: number;
  /** What perContentVersion read of the folder's images, and at which version. */
  assetReads: { version: number; values: Map<string, unknown> };
  /** Live: a read needed the pipeline before it had loaded (the file is read again once it has). */
  waiting: boolean;
};

/** What one read of a folder changed, for the log, the page cache and the other instances. */
export type ContentChange = {
  dir: string;
  /** Articles added or changed, as readers now get them; and articles gone (removed, or a new file refused). */
  published: string[];
  removed: string[];
  /** Files read now that cannot be published as they are (each told once, until its problems change). */
  refused: RefusedFile[];
  /** Images, authors.yml or the icons changed while the site ran: every page may show them (the logo, the icon). */
  assets: boolean;
  version: number;
};

type State = {
  folders: Map<string, Folder>;
  reader?: ContentReader;
  listeners: Set<(change: ContentChange) => void>;
};

// The route bundles and instrumentation.ts each load a copy of this module: one store per process.
const state = processWide<State>("content-store", () => ({ folders: new Map(), listeners: new Set() }));

function folderOf(dir: string): Folder {
  let folder = state.folders.get(dir);
  if (!folder) {
    folder = {
      live: false,
      loaded: false,
      dirty: false,
      entries: new Map(),
      assets: "",
      sources: [],
      version: 0,
      assetReads: { version: 0, values: new Map() },
      waiting: false,
    };
    state.folders.set(dir, folder);
  }
  return folder;
}

/** The article files of a folder (its top level, by name) and their signatures. */
function articleFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.endsWith(".md")) continue;
    const file = path.join(dir, name);
    const signature = signatureOf(file);
    if (signature) files.set(file, signature);
  }
  return files;
}

/** Changes with every write and rename (rsync and git write a new file and rename it); null if gone. */
function signatureOf(file: string): string | null {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() ? `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}` : null;
  } catch {
    return null;
  }
}

/** authors.yml, favicon.ico and every image under the folder (the logo and icon among them), as one string. */
function assetsSignature(dir: string): string {
  const names = fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name === AUTHORS_FILE || name === "favicon.ico" || isImageFile(name))
    .sort();
  return names.map((name) => `${name}\0${signatureOf(path.join(dir, name))}`).join("\n");
}

/**
 * Reads one changed file. An article readers will see is rendered too, so that its body is checked
 * before it is published (and, in the build, every such article's: the feeds and pages no longer
 * render them at build time); a draft's body waits for its preview, and development renders on
 * each request. Live, a file with problems keeps its last good version.
 */
function readEntry(file: string, signature: string, before: Entry | undefined, folder: Folder, dir: string): Entry {
  try {
    return readEntryWith(file, signature, before, folder, dir);
  } catch (error) {
    if (!folder.live || !isPipelineNotLoaded(error)) throw error;
    // No signature: read again, as it is then, once the pipeline has loaded; readers keep what they had.
    folder.waiting = true;
    return { signature: "", published: before?.published, problems: before?.problems ?? [] };
  }
}

function readEntryWith(file: string, signature: string, before: Entry | undefined, folder: Folder, dir: string): Entry {
  const reader = state.reader!;
  const lastGood = folder.live ? before?.published : undefined;
  let parsed: Parsed;
  try {
    parsed = reader.parse(file, folder.authors!);
  } catch (error) {
    if (isPipelineNotLoaded(error)) throw error;
    // Gone between the listing and the read, or unreadable: no signature, so the next scan tries again.
    const problem = { file, line: 1, message: `cannot be read: ${(error as Error).message}` };
    return { signature: "", published: lastGood, problems: [problem] };
  }
  if (!parsed.source) return { signature, published: lastGood, problems: parsed.problems };
  if ((isDevelopment() && !folder.live) || parsed.source.summary.draft)
    return { signature, published: { source: parsed.source, feeds: new Map() }, problems: [] };
  const page = reader.render(parsed.source, dir);
  if (page.problems.length > 0)
    return { signature, published: lastGood, problems: page.problems.map((problem) => ({ file, ...problem })) };
  return { signature, published: { source: parsed.source, page, feeds: new Map() }, problems: [] };
}

/** Whether readers get the same article from both (a file touched, or read again, changes nothing). */
function samePublished(a: Published | undefined, b: Published | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.source.body === b.source.body &&
    JSON.stringify(a.source.summary) === JSON.stringify(b.source.summary) &&
    a.page?.html === b.page?.html
  );
}

const sameProblems = (a: ContentProblem[] | undefined, b: ContentProblem[]) => JSON.stringify(a) === JSON.stringify(b);

const slugOf = (file: string) => path.basename(file, ".md");

/** Reads what changed in the folder since the last scan. */
function scan(dir: string, folder: Folder): ContentChange {
  const files = articleFiles(dir);
  const assets = assetsSignature(dir);
  const everything = !folder.authors || assets !== folder.assets;
  const change: ContentChange = {
    dir,
    published: [],
    removed: [],
    refused: [],
    assets: false,
    version: folder.version,
  };
  if (everything) {
    const before = folder.authors?.problems;
    folder.authors = state.reader!.authors(dir);
    folder.assets = assets;
    const { problems } = folder.authors;
    if (problems.length > 0 && !sameProblems(before, problems))
      change.refused.push({ file: path.join(dir, AUTHORS_FILE), problems, kept: false });
  }
  for (const [file, entry] of folder.entries) {
    if (files.has(file)) continue;
    folder.entries.delete(file);
    if (entry.published) change.removed.push(slugOf(file));
  }
  for (const [file, signature] of files) {
    const before = folder.entries.get(file);
    if (!everything && before?.signature === signature) continue;
    const entry = readEntry(file, signature, before, folder, dir);
    folder.entries.set(file, entry);
    // Told once: a file that stays broken (or unreadable) is not told again at each rescan.
    if (entry.problems.length > 0 && !sameProblems(before?.problems, entry.problems))
      change.refused.push({ file, problems: entry.problems, kept: !!entry.published });
    if (samePublished(before?.published, entry.published)) {
      // Read again with the same result: keep the renders made so far.
      if (before?.published) entry.published = before.published;
    } else (entry.published ? change.published : change.removed).push(slugOf(file));
  }
  folder.sources = [...files.keys()].flatMap((file) => {
    const published = folder.entries.get(file)?.published;
    return published ? [published.source] : [];
  });
  // New images, authors or icons count as a change even where pages are rendered per request
  // (development): image sizes and addresses are in the pages, and every page shows the logo and icon.
  change.assets = everything && folder.loaded;
  if (change.published.length > 0 || change.removed.length > 0 || change.assets) change.version = ++folder.version;
  folder.loaded = true;
  folder.dirty = false;
  return change;
}

/** Scans the folder and tells the listeners what changed, if anything. */
function refreshFolder(dir: string, folder: Folder): ContentChange {
  folder.waiting = false;
  const change = scan(dir, folder);
  if (folder.waiting)
    loadPipeline().then(
      () => refreshContent(dir),
      (error: unknown) => console.error("content: cannot load the article pipeline", error),
    );
  if (change.published.length + change.removed.length + change.refused.length === 0 && !change.assets) return change;
  for (const listener of state.listeners) {
    try {
      listener(change);
    } catch (error) {
      console.error("content: a listener failed", error);
    }
  }
  return change;
}

/**
 * The published sources of `dir`, read as its mode says (above). `reader` is articles.ts's: the
 * first copy to read hands it over for the watcher's reads.
 */
export function publishedSources(dir: string, reader: ContentReader): Source[] {
  state.reader ??= reader;
  const folder = folderOf(dir);
  // Live, a folder read once is read again only when told (a failed read keeps what readers had).
  if (!folder.live || !folder.loaded) refreshFolder(dir, folder);
  else if (folder.dirty) refreshContent(dir);
  if (!folder.live && !isDevelopment()) {
    const problems = contentProblems(dir);
    if (problems.length > 0) throw new ContentError(problems);
  }
  return folder.sources;
}

/** A file the last read of its folder could not publish as it is; `kept`: its last good version is up. */
export type RefusedFile = { file: string; problems: ContentProblem[]; kept: boolean };

/** The files the last read of `dir` found problems in: authors.yml, then the articles by name. */
export function refusedFiles(dir: string = CONTENT_DIR): RefusedFile[] {
  const folder = folderOf(dir);
  const authors = folder.authors?.problems ?? [];
  return [
    ...(authors.length > 0 ? [{ file: path.join(dir, AUTHORS_FILE), problems: authors, kept: false }] : []),
    ...[...folder.entries]
      .filter(([, entry]) => entry.problems.length > 0)
      .map(([file, entry]) => ({ file, problems: entry.problems, kept: entry.published !== undefined })),
  ];
}

/** Every problem the last read of `dir` found. */
export function contentProblems(dir: string = CONTENT_DIR): ContentProblem[] {
  return refusedFiles(dir).flatMap((refused) => refused.problems);
}

/** The problems of one article's file (development shows them on its page). */
export function problemsOf(dir: string, slug: string): ContentProblem[] {
  return folderOf(dir).entries.get(path.join(dir, `${slug}.md`))?.problems ?? [];
}

/** An article's page, rendered once per published version (every time in development, so images show at once). */
export function pageOf(dir: string, source: Source, reader: ContentReader, feedUrl?: string): RenderedMarkdown {
  const published = folderOf(dir).entries.get(source.file)?.published;
  if (isDevelopment() || published?.source !== source) return reader.render(source, dir, feedUrl);
  if (!feedUrl) return (published.page ??= reader.render(source, dir));
  let page = published.feeds.get(feedUrl);
  if (!page) published.feeds.set(feedUrl, (page = reader.render(source, dir, feedUrl)));
  return page;
}

/** Counts the changes to what readers of `dir` get (0 until its first change). */
export function contentVersion(dir: string = CONTENT_DIR): number {
  return folderOf(dir).version;
}

/**
 * What `read` makes of the folder's images and icons (a cover's size and address, the logo, the
 * icon), once per version of a live folder rather than on every render: a changed image is a new
 * version (a cover in public/, which changes with a deploy, is read again at the next change or
 * start). A card's cover cost a read and a SHA-256 of the whole file each time; the header's logo
 * and icon five file lookups. A folder not published live (development) is read every time.
 */
export function perContentVersion<T>(key: string, read: () => T, dir: string = CONTENT_DIR): T {
  const folder = folderOf(dir);
  if (!folder.live) return read();
  if (folder.assetReads.version !== folder.version) folder.assetReads = { version: folder.version, values: new Map() };
  const { values } = folder.assetReads;
  if (!values.has(key)) values.set(key, read());
  return values.get(key) as T;
}

/**
 * Reads what changed in `dir` now: the watcher, the periodic rescan and another instance's word
 * call it. Null when nothing was read yet (the first read reads everything) or the folder cannot
 * be listed (a deploy replacing it): readers keep what they had.
 */
export function refreshContent(dir: string = CONTENT_DIR): ContentChange | null {
  const folder = folderOf(dir);
  if (!state.reader || !folder.loaded) {
    folder.dirty = true;
    return null;
  }
  try {
    return refreshFolder(dir, folder);
  } catch (error) {
    console.error(`content: cannot read ${dir}`, error);
    return null;
  }
}

/** The files the next scan of `dir` reads: those that changed, or all when authors.yml or an image did. */
function filesToRead(dir: string, folder: Folder): string[] {
  const files = articleFiles(dir);
  const everything = !folder.loaded || !folder.authors || assetsSignature(dir) !== folder.assets;
  return [...files]
    .filter(([file, signature]) => everything || folder.entries.get(file)?.signature !== signature)
    .map(([file]) => file);
}

/**
 * Live: reads what changed in `dir`, the pipeline loaded first if a changed file is not kept
 * rendered; the first read too (live-content.ts at start). The watcher, the rescan and another
 * instance's word call it. Null as refreshContent's.
 */
export async function refreshContentSoon(
  dir: string = CONTENT_DIR,
  reader?: ContentReader,
): Promise<ContentChange | null> {
  state.reader ??= reader;
  const folder = folderOf(dir);
  if (!state.reader) {
    folder.dirty = true;
    return null;
  }
  try {
    const { needsPipeline } = state.reader;
    if (!pipelineLoaded() && filesToRead(dir, folder).some((file) => needsPipeline(file))) await loadPipeline();
    return refreshFolder(dir, folder);
  } catch (error) {
    console.error(`content: cannot read ${dir}`, error);
    return null;
  }
}

/** Reads `file` again at once though it did not change: what it shows did (its diagrams were drawn meanwhile). */
export function readAgain(file: string): void {
  for (const [dir, folder] of state.folders) {
    const entry = folder.entries.get(file);
    if (!entry) continue;
    entry.signature = "";
    refreshContent(dir);
  }
}

/** Marks `dir` as read live (production): see the top of this file. Its next read reads everything. */
export function setLive(dir: string, live: boolean): void {
  const folder = folderOf(dir);
  folder.live = live;
  folder.loaded = false;
  folder.entries.clear();
  folder.assetReads.values.clear();
  folder.authors = undefined;
}

/** Calls `listener` after each read that changed something; returns the unsubscribe. */
export function onContentChange(listener: (change: ContentChange) => void): () => void {
  state.listeners.add(listener);
  return () => state.listeners.delete(listener);
}
