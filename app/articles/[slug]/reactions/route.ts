import { ensureBrowserId } from "@/lib/comments/reader";
import { articleUrl, commentAnchor } from "@/lib/routes";
import { submitReaction } from "@/lib/comments/service";
import { clientIp } from "@/lib/server/request";

// 👍 on a comment, or taking it back: the target of the plain form in components/comments/
// ReactionButton.tsx. proxy.ts has already refused posts from other sites and oversized bodies.
// The answer sends the browser back to the comment (POST-redirect-GET), also when the address is
// over its limits (submitReaction in lib/comments/service/reactions.ts): the page then shows the count unchanged.

type Params = { params: Promise<{ slug: string }> };

export async function POST(request: Request, { params }: Params) {
  const { slug } = await params;
  let id = "";
  try {
    const value = (await request.formData()).get("id");
    id = typeof value === "string" ? value.slice(0, 64) : "";
    if (id) await submitReaction(id, { ip: await clientIp(), voterId: await ensureBrowserId() });
  } catch {
    // A damaged form, or the database away (the service logged it): the page shows the count as it is.
  }
  // A relative Location: right behind any proxy, whatever host name the server was reached by.
  const back = articleUrl(encodeURIComponent(slug), undefined, id ? commentAnchor(encodeURIComponent(id)) : "comments");
  return new Response(null, { status: 303, headers: { location: back } });
}
