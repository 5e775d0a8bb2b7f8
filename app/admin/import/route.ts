import { t } from "@/lib/i18n";
import { isAdmin } from "@/lib/server/admin";
import { isCrossSite } from "@/lib/server/request-guards";
import { importBackup } from "@/lib/comments/service";
import { describeImportProblem } from "@/lib/comments/export-schema";
import { adminPath } from "@/lib/routes";
import { parseForm, readBody } from "@/lib/server/request-body";

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
  // Counted as it arrives (a chunked upload declares no length); proxy.ts leaves this route alone.
  const body = await readBody(request, MAX_BYTES);
  if (!body) return back({ importError: t("admin.import.tooLarge") });
  const file = await parseForm(body, request.headers.get("content-type") ?? "").then(
    (form) => form.get("file"),
    () => null,
  );
  if (!(file instanceof File) || file.size === 0) return back({ importError: t("admin.import.noFile") });

  let data: unknown;
  try {
    data = JSON.parse(await file.text());
  } catch {
    return back({ importError: t("admin.import.notJson") });
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
