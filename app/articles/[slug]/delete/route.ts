import { revalidatePath } from "next/cache";
import { readViewer } from "@/lib/comments/reader";
import { ownChangeRefused, submitDelete } from "@/lib/comments/service";
import { articlePath, articleUrl, commentAnchor } from "@/lib/routes";
import { plainPage } from "@/lib/server/plain-page";
import { t } from "@/lib/i18n";

// A reader deleting their own comment: the target of the plain Delete form of their comments
// (lib/comments/html.ts), which SoftNavigation sends in place when JavaScript runs. proxy.ts has
// already refused posts from other sites and oversized bodies. Deleted: back to the discussion
// (POST-redirect-GET); refused: a page that says why, with the way back.

type Params = { params: Promise<{ slug: string }> };

export async function POST(request: Request, { params }: Params) {
  const { slug } = await params;
  let id = "";
  let refused: { status: number; message: string } | null = null;
  try {
    const value = (await request.formData()).get("id");
    id = typeof value === "string" ? value.slice(0, 64) : "";
    const result = await submitDelete(id, { viewer: await readViewer() });
    if (result.kind !== "ok") refused = { status: 409, message: ownChangeRefused(result.kind) };
  } catch {
    // A damaged form, or the database away (the service logged it).
    refused = { status: 503, message: t("refused.delete.unsaved") };
  }
  const encoded = encodeURIComponent(slug);
  if (refused) {
    const back = articleUrl(encoded, undefined, id ? commentAnchor(encodeURIComponent(id)) : "comments");
    return plainPage(refused.status, { title: t("refused.delete.title"), text: refused.message, back });
  }
  revalidatePath(articlePath(slug));
  revalidatePath("/"); // the index counts comments
  // A relative Location: right behind any proxy, whatever host name the server was reached by.
  return new Response(null, { status: 303, headers: { location: articleUrl(encoded, undefined, "comments") } });
}
