import { t } from "@/lib/i18n";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isAdmin } from "@/lib/server/admin";
import { isCrossSite } from "@/lib/server/request-guards";
import { receiveUpload } from "@/lib/server/request-body";
import { listArticles } from "@/lib/content/articles";
import { parseMapFile, type PathMap } from "@/lib/comments/import/paths";
import { startImportJob } from "@/lib/comments/import-jobs";
import { IMPORT_FORMATS, ImportFileError } from "@/lib/comments/import/source";
import { listedLine } from "@/lib/comments/import/report";
import { db } from "@/lib/server/db";
import { importJobPath, importPage as page } from "./import-page";

// The same import as `npm run import`, from /admin as an upload. A route handler, not a server
// action: exports are far larger than the 64 KB server actions accept (proxy.ts exempts this path).
// The file is saved and the import started as a job (lib/comments/import-jobs.ts); the answer is
// a redirect to the job's page, at once, however long the import takes.
const MAX_BYTES = 100 * 1024 * 1024;
const MAX_MAP_CHARS = 20_000;

export async function POST(request: Request) {
  if (!(await isAdmin())) return page(t("admin.import.signInTitle"), t("admin.import.signIn"), 401);
  if (isCrossSite(request.headers)) return page(t("refused.crossSite.title"), t("admin.import.crossSite"), 403);
  if (Number(request.headers.get("content-length") ?? MAX_BYTES + 1) > MAX_BYTES) {
    return page(t("admin.import.refusedTitle"), t("admin.import.tooBig"), 413);
  }
  // The job removes the folder when it ends; the file is written to disk as it arrives, so the
  // importer streams it (and Isso's SQLite file can be opened) and the upload is never in memory.
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-upload-"));
  const refuse = (title: string, message: string, status: number) => {
    fs.rmSync(folder, { recursive: true, force: true });
    return page(title, message, status);
  };
  try {
    const saved = path.join(folder, "export");
    const upload = await receiveUpload(request, saved, {
      fileField: "file",
      fileBytes: MAX_BYTES,
      fieldChars: MAX_MAP_CHARS,
    });
    if (upload.kind === "tooLarge") return refuse(t("admin.import.refusedTitle"), t("admin.import.tooBig"), 413);
    if (upload.kind === "fieldTooLong")
      return refuse(t("admin.import.refusedTitle"), t("admin.import.mapTooLong"), 400);
    const format = upload.kind === "ok" && IMPORT_FORMATS.find((name) => name === upload.fields.get("format"));
    if (upload.kind !== "ok" || !upload.file?.bytes || !format)
      return refuse(t("admin.import.refusedTitle"), t("admin.import.chooseFile"), 400);

    let maps: PathMap[];
    try {
      maps = parseMapFile(upload.fields.get("map") ?? "");
    } catch (error) {
      if (!(error instanceof ImportFileError)) throw error;
      return refuse(t("admin.import.refusedTitle"), listedLine(error), 400);
    }

    const slugs = new Set(listArticles({ includeDrafts: true }).map((article) => article.slug));
    const dryRun = upload.fields.get("dryRun") === "on";
    const fileName = upload.file.name;
    const job = await startImportJob({ format, file: saved, folder, fileName, slugs, maps, dryRun }, db());
    if (job.kind === "busy") {
      return page(t("admin.import.refusedTitle"), t("admin.import.busy"), 409, {
        href: importJobPath(job.id),
        label: t("admin.import.seeRunning"),
      });
    }
    // A relative Location: behind a proxy, request.url names the internal host.
    return new Response(null, { status: 303, headers: { location: importJobPath(job.id) } });
  } catch (error) {
    fs.rmSync(folder, { recursive: true, force: true });
    console.error("admin: comment import could not start", error);
    return page(t("admin.import.failed"), t("admin.import.notStarted"), 500);
  }
}
