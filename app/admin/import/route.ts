import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { t } from "@/lib/i18n";
import { isAdmin } from "@/lib/server/admin";
import { isCrossSite } from "@/lib/server/request-guards";
import { importBackup } from "@/lib/comments/service";
import { describeImportProblem } from "@/lib/comments/export-schema";
import { adminPath } from "@/lib/routes";
import { receiveUpload } from "@/lib/server/request-body";

// A route handler rather than a server action: an export can be far larger than the 64 KB that
// server actions accept.
const MAX_BYTES = 50 * 1024 * 1024;

// A relative Location: behind a proxy, request.url names the internal host, not the reader's.
const back = (params: Record<string, string>) =>
  new Response(null, { status: 303, headers: { location: adminPath(params) } });

export async function POST(request: Request) {
  if (!(await isAdmin())) return Response.json({ error: "Sign in at /admin first." }, { status: 401 });
  // The session cookie is SameSite=Lax, so another site cannot post here as the admin; the Origin
  // check (proxy.ts's, which leaves this route alone) refuses such a request before reading its body.
  if (isCrossSite(request.headers)) {
    return Response.json({ error: "Cross-site request refused." }, { status: 403 });
  }
  // Written to disk as it arrives, never held twice in memory (proxy.ts leaves this route alone).
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-restore-"));
  let data: unknown;
  try {
    const saved = path.join(folder, "backup.json");
    const upload = await receiveUpload(request, saved, { fileField: "file", fileBytes: MAX_BYTES, fieldChars: 100 });
    if (upload.kind === "tooLarge") return back({ importError: t("admin.import.tooLarge") });
    if (upload.kind !== "ok" || !upload.file?.bytes) return back({ importError: t("admin.import.noFile") });
    data = JSON.parse(fs.readFileSync(saved, "utf8"));
  } catch {
    return back({ importError: t("admin.import.notJson") });
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
  try {
    const result = await importBackup(data);
    if (result.kind === "refused") {
      // The admin page shows at most 300 characters of it.
      return back({
        importError: t("admin.import.refused", { problem: describeImportProblem(result.problem) }).slice(0, 300),
      });
    }
    return back({ imported: `${result.added}`, already: `${result.alreadyThere}`, reactions: `${result.reactions}` });
  } catch (error) {
    console.error("admin: import failed", error);
    return back({ importError: "The import could not be stored; nothing was changed." });
  }
}
