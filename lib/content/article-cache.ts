import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { RenderedMarkdown } from "./markdown";
import { processWide } from "../process-wide";
import { isDevelopment, settings } from "../settings";

// Rendered articles kept on disk by file version, so that a production server that starts, or
// reads a file again, finds them rendered and never loads the pipeline (pipeline.ts). The build
// renders every article and keeps it; a server keeps what it renders itself. An entry's name
// is the article file's hash (so that its older versions are found and removed) and a key made of
// everything the render reads besides the images: the pipeline's version (ARTICLE_PIPELINE_VERSION,
// a hash of its code and dependencies that next.config.ts gives the build), the body, the file's
// and folders' paths, the settings it reads. The images it read (sizes, versioned URLs) and the
// diagrams' drawings are listed in the entry, each with its size, time and hash, and checked when
// it is read. An entry that cannot be read, or no longer matches, is a miss: rendered again, and
// replaced.
// Without a version (development, tsx scripts, tests that do not set one) nothing is kept.

const state = processWide<{ dir: string }>("article-cache", () => ({
  dir: path.join(/*turbopackIgnore: true*/ process.cwd(), ".next", "cache", "articles"),
}));

/** Versions kept per article file: the newest few, for a build and the server still running the last one. */
const VERSIONS_PER_FILE = 3;
/** Entries in all, past which the oldest go (articles removed leave theirs behind). */
const MAX_ENTRIES = 5_000;

/** What is kept of one version of an article. */
export type Kept = {
  /** Its words (plainText), for reading time and search. */
  text: string;
  /** Its page, once rendered (a draft's waits for its preview); problems at lines of the body. */
  page?: RenderedMarkdown;
  /** The files the render read (images, drawn diagrams), as they were then. */
  reads?: Read[];
};

type Entry = Kept & { key: string };

/** The pipeline's version, or undefined where renders are not kept (development edits the pipeline as it runs). */
function pipelineVersion(): string | undefined {
  return isDevelopment() ? undefined : process.env.ARTICLE_PIPELINE_VERSION || undefined;
}

/** Tests: keep renders in `dir`. */
export function useArticleCacheDir(dir: string): void {
  state.dir = dir;
}

const hash = (text: string) => createHash("sha256").update(text).digest("hex");

/** The entry's file: the article file's hash, then the version's key. */
function entryName(file: string, body: string, contentDir: string, publicDir: string): string | undefined {
  const version = pipelineVersion();
  if (!version) return undefined;
  // Paths from the working folder: a build made elsewhere (CI) renders what a server here would.
  const at = (place: string) => path.relative(process.cwd(), place);
  const key = hash(JSON.stringify([version, at(file), at(contentDir), at(publicDir), settings().MERMAID_RENDER, body]));
  return `${hash(at(file)).slice(0, 16)}-${key.slice(0, 32)}.json`;
}

/** A file the render read: its path from the working folder, its size and time, its bytes' hash (null: missing). */
type Read = [file: string, stamp: string | null, sha256: string | null];

function stampOf(file: string): string | null {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat ? `${stat.size}:${stat.mtimeMs}` : null;
}

function bytesHash(file: string): string | null {
  try {
    return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  } catch {
    return null;
  }
}

/** What the render read, as kept: `reads` are the files the pipeline said it looked at. */
export function readsOf(reads: string[]): Read[] {
  return [...new Set(reads)].map((file) => [path.relative(process.cwd(), file), stampOf(file), bytesHash(file)]);
}

/**
 * Whether a file the render read is as it was: the same size and time, or else the same bytes (a
 * copy of the folder, a checkout, gives every file a new time, not new bytes).
 */
function unchanged([file, stamp, sha256]: Read): boolean {
  const absolute = path.resolve(/*turbopackIgnore: true*/ process.cwd(), file);
  const now = stampOf(absolute);
  if (now === stamp) return true;
  return now !== null && bytesHash(absolute) === sha256;
}

function isKept(value: unknown, name: string): value is Entry {
  const entry = value as Entry | null;
  return (
    typeof entry === "object" &&
    entry !== null &&
    entry.key === name &&
    typeof entry.text === "string" &&
    (entry.page === undefined ||
      (typeof entry.page.html === "string" && Array.isArray(entry.page.toc) && Array.isArray(entry.page.problems))) &&
    (entry.reads === undefined || Array.isArray(entry.reads))
  );
}

/** The kept version of an article's body; null when there is none, or it no longer matches what it read. */
export function keptRender(file: string, body: string, contentDir: string, publicDir: string): Kept | null {
  const name = entryName(file, body, contentDir, publicDir);
  if (!name) return null;
  let entry: unknown;
  try {
    entry = JSON.parse(fs.readFileSync(path.join(/*turbopackIgnore: true*/ state.dir, name), "utf8"));
  } catch {
    return null;
  }
  if (!isKept(entry, name)) return null;
  if (entry.reads && !entry.reads.every((read) => Array.isArray(read) && unchanged(read))) return null;
  return entry;
}

/** Keeps `kept` (merged into what is kept of the same version), written whole or not at all. */
export function keepRender(file: string, body: string, contentDir: string, publicDir: string, kept: Kept): void {
  const name = entryName(file, body, contentDir, publicDir);
  if (!name) return;
  const before = keptRender(file, body, contentDir, publicDir);
  const entry: Entry = { key: name, ...before, ...kept };
  try {
    fs.mkdirSync(state.dir, { recursive: true });
    const target = path.join(/*turbopackIgnore: true*/ state.dir, name);
    // A temporary file renamed over the entry: a reader (another instance, a crash) never sees half of one.
    const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(entry));
    fs.renameSync(temporary, target);
    prune(name);
  } catch (error) {
    // A full or read-only disk: the article is served all the same, and rendered again next start.
    console.warn(`articles: cannot keep a render (${(error as Error).message})`);
  }
}

/** Removes the article's older versions, and the oldest entries past MAX_ENTRIES. */
function prune(name: string): void {
  const prefix = name.slice(0, name.indexOf("-") + 1);
  const entries = fs
    .readdirSync(state.dir)
    .map((entry) => {
      const file = path.join(/*turbopackIgnore: true*/ state.dir, entry);
      return { entry, file, time: fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0 };
    })
    .sort((a, b) => b.time - a.time);
  const stale = [
    ...entries.filter((entry) => entry.entry.startsWith(prefix) && entry.entry !== name).slice(VERSIONS_PER_FILE - 1),
    // Temporary files left by a process that died while writing, after a minute.
    ...entries.filter((entry) => entry.entry.endsWith(".tmp") && entry.time < Date.now() - 60_000),
    ...entries.slice(MAX_ENTRIES),
  ];
  for (const { file } of stale) fs.rmSync(file, { force: true });
}
