import { getArticle } from "@/lib/content/articles";
import { type CommentView, pageComments } from "@/lib/comments/store";
import { answerApiPost, json } from "@/lib/comments/api-post";
import { clientIp } from "@/lib/server/request";
import { issueFormToken } from "@/lib/server/form-token";
import { MAX_SUBMISSION_BYTES, readBody } from "@/lib/server/request-body";
import { z } from "zod";
import { commentListQuerySchema, encodeCursor } from "@/lib/comments/api-schema";

// The discussion as JSON, for scripts and other non-browser clients; posting is
// lib/comments/api-post.ts's (which server.ts's lane for posts calls before Next.js, too).

type Params = { params: Promise<{ slug: string }> };

const toJson = (c: CommentView): unknown => ({
  id: c.id,
  author: c.placeholder ? null : c.authorName,
  replyTo: c.replyToName,
  html: c.html,
  state: c.placeholder ?? "published",
  createdAt: c.createdAt.toISOString(),
  editedAt: c.editedAt?.toISOString() ?? null,
  reactions: c.reactions,
  replies: c.replies.map(toJson),
});

// A page of threads, oldest first: `?limit=` of them (1-100, default 50), each with all its replies,
// and `next`, to send as `?after=` for the following page (null on the last). Every page carries
// a fresh token. A bounded answer: an article with 10,000 threads is read in 100 requests.
export async function GET(request: Request, { params }: Params) {
  const { slug } = await params;
  if (!(await getArticle(slug))) return json(404, { error: "No such article." });
  const query = commentListQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return json(400, { error: "Invalid query.", fields: z.flattenError(query.error).fieldErrors });
  try {
    const page = await pageComments(slug, query.data);
    return json(200, {
      count: page.count,
      comments: page.threads.map(toJson),
      next: page.next && encodeCursor(page.next),
      token: issueFormToken(),
    });
  } catch (error) {
    console.error(`api: cannot list comments for "${slug}"`, error);
    return json(503, { error: "Comments are unavailable right now." }, { "retry-after": "30" });
  }
}

export async function POST(request: Request, { params }: Params) {
  const { slug } = await params;
  // proxy.ts bounds the body too; read here with the same limit, in case it is reached another way.
  const body = await readBody(request, MAX_SUBMISSION_BYTES);
  return answerApiPost(request.headers, body, slug, await clientIp());
}
