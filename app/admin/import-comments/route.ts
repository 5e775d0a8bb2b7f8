import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { isAdmin } from "@/lib/server/admin";
import { isCrossSite } from "@/lib/server/request-guards";
import { listArticles } from "@/lib/content/articles";
import { parseMapFile, type PathMap } from "@/lib/comments/import/paths";
import { formatReport } from "@/lib/comments/import/report";
import { importFrom } from "@/lib/comments/service";
import { IMPORT_FORMATS, ImportFileError } from "@/lib/comments/import/source";
import { db } from "@/lib/server/db";
import { escapeHtml } from "@/lib/html-escape";

// The same import as `npm run import`, from /admin as an upload. A route handler, not a server
// action: exports are far larger than the 64 KB server actions accept (proxy.ts exempts this path).
const MAX_BYTES = 100 * 1024 * 1024;
const MAX_MAP_CHARS = 20_000;

/** A small page of its own: the report is plain text, every value escaped. */
function page(title: string, text: string, status = 200): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1><pre class="import-report">${escapeHtml(text)}</pre><p><a href="/admin">Back to moderation</a></p></main></body></html>`;
  return new Response(html, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

export async function POST(request: Request) {
  if (!(await isAdmin())) return page("Sign in first", "Sign in at /admin first.", 401);
  if (isCrossSite(request.headers)) return page("Refused", "Cross-site request refused.", 403);
  if (Number(request.headers.get("content-length") ?? MAX_BYTES + 1) > MAX_BYTES) {
    return page("Import refused", "The file is larger than 100 MB: use npm run import on the server.", 413);
  }
  const form = await request.formData().catch(() => null);
  const file = form?.get("file");
  const format = IMPORT_FORMATS.find((name) => name === form?.get("format"));
  const mapText = form?.get("map");
  if (!(file instanceof File) || file.size === 0 || !format)
    return page("Import refused", "Choose a format and an export file.", 400);
  if (typeof mapText === "string" && mapText.length > MAX_MAP_CHARS)
    return page("Import refused", "The URL mapping is too long.", 400);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-upload-"));
  try {
    const saved = path.join(dir, "export");
    // Written to disk so the importer streams it (and Isso's SQLite file can be opened).
    await pipeline(Readable.fromWeb(file.stream() as WebReadableStream), fs.createWriteStream(saved));
    let maps: PathMap[];
    try {
      maps = typeof mapText === "string" ? parseMapFile(mapText, "mapping line") : [];
    } catch (error) {
      return page("Import refused", (error as Error).message, 400);
    }
    const slugs = new Set(listArticles({ includeDrafts: true }).map((article) => article.slug));
    const report = await importFrom({ format, file: saved, slugs, maps, dryRun: form?.get("dryRun") === "on" }, db());
    const title = report.refusedCount > 0 ? "Import refused" : report.dryRun ? "Import: a dry run" : "Import done";
    return page(title, formatReport(report), report.refusedCount > 0 ? 422 : 200);
  } catch (error) {
    if (error instanceof ImportFileError) return page("Import refused", error.message, 422);
    console.error("admin: comment import failed", error);
    return page("Import failed", "The import could not be stored; nothing was changed.", 500);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
