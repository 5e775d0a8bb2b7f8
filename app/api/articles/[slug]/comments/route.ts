import { getArticle } from "@/lib/content/articles";
import { type CommentView, pageComments } from "@/lib/comments/store";
import { isJsonContentType } from "@/lib/server/media-type";
import { submitComment } from "@/lib/comments/service";
import { waitFor } from "@/lib/format";
import { clientIp } from "@/lib/server/request";
import { issueFormToken } from "@/lib/comments/form-token";
import { MAX_SUBMISSION_BYTES, readBody } from "@/lib/server/request-body";
import { z } from "zod";
import { commentListQuerySchema, encodeCursor } from "@/lib/comments/api-schema";

// The discussion as JSON, for scripts and other non-browser clients. Posting follows the same
// rules as the form and answers with HTTP status codes: 201, 400, 403, 404, 409, 413, 415, 429 with
// Retry-After, 503. Each comment needs a token from a GET, at least a few seconds old; sending a
// token again returns the comment it already made (200), so a retry never posts twice. A token a
// browser's form already used is refused (409): the API never hands over a browser's comment.

type Params = { params: Promise<{ slug: string }> };

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { "cache-control": "no-store", ...headers } });

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
  if (!isJsonContentType(request.headers.get("content-type"))) {
    return json(415, { error: "Send the comment as application/json." });
  }
  // proxy.ts bounds the body too; read here with the same limit, in case it is reached another way.
  const body = await readBody(request, MAX_SUBMISSION_BYTES);
  if (!body) return json(413, { error: "The body is larger than 64 KB." });
  let input: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
    input = parsed as Record<string, unknown>;
  } catch {
    return json(400, { error: "The body is not a JSON object." });
  }

  try {
    const submission = {
      slug,
      name: input.name,
      body: input.body,
      parentId: input.parentId,
      token: input.token,
      honeypot: input.website,
    };
    const result = await submitComment(submission, { ip: await clientIp(), browserId: null });
    switch (result.kind) {
      case "posted":
        return json(result.duplicate ? 200 : 201, { id: result.id, state: result.pending ? "pending" : "published" });
      case "ignored":
        return json(201, { id: null, state: "published" });
      case "invalid":
        return json(400, { error: "The comment is not valid.", fields: result.errors });
      case "already-sent":
        return json(409, { error: "This token was already used: GET a new one." });
      case "expired":
        return json(400, { error: "Missing, invalid or expired token: GET this URL first and send its token." });
      case "no-article":
        return json(404, { error: "No such article." });
      case "locked":
        return json(403, { error: "This discussion is closed." });
      case "refused":
        return json(403, { error: result.message });
      case "no-parent":
        return json(400, { error: "The comment replied to does not exist.", fields: { parentId: ["not found"] } });
      case "rate-limited":
        return json(
          429,
          {
            error: `Too many comments. Try again in ${waitFor(result.retryAfterSeconds)}.`,
            retryAfterSeconds: result.retryAfterSeconds,
          },
          { "retry-after": String(result.retryAfterSeconds) },
        );
    }
  } catch {
    // The database away: the service logged it.
    return json(503, { error: "Comments cannot be saved right now." }, { "retry-after": "30" });
  }
}
