import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { postedCommentPath } from "../routes";
import { hasAdminCookie } from "../server/admin";
import { stampedClientAddress } from "../server/client-address";
import { cookieOptionsFor, type CookieOptions } from "../server/cookies";
import { browserIdFrom, READER_COOKIE_SECONDS, rememberCommentIn } from "./reader";
import { submitComment, type Submission } from "./service";
import { HONEYPOT_FIELD } from "./spam";

// The comment form posted without JavaScript: a multipart POST to the article's address, which
// Next.js hands to the form's server action (lib/comments/actions.ts). proxy.ts, which has read
// and parsed the form already, answers it here when the comment is stored: the same rules
// (submitComment), the same cookies and the same 303 to the new comment as the action, at about
// half the CPU (measured in bench/results.md: Next.js's action handling parses the form again,
// sets up its request stores and renders nothing). Whatever else the post comes to (field errors,
// a rate limit, an expired form, a database away, the signed-in author, a preview) nothing is
// stored, and the action answers it as it always did, with the page and the reader's text kept.

/** A comment form's fields, as the service takes them (the action and this path read the same form). */
export function commentSubmission(form: FormData): Submission {
  return {
    slug: form.get("slug"),
    name: form.get("name"),
    body: form.get("body"),
    parentId: form.get("parentId"),
    token: form.get("token"),
    honeypot: form.get(HONEYPOT_FIELD),
    email: form.get("email"),
    notify: form.get("notify"),
  };
}

/** A cookie made for the reader while answering, for the server action to see and the answer to set. */
export type CarriedCookie = { name: string; value: string; options: CookieOptions };

/**
 * The answer to a comment form posted without JavaScript to the article `slug`, when it is stored
 * (or a bot's, stored as nothing); otherwise no answer, and the server action is to answer it. A
 * reader without a browser id gets one made here: `carried` then holds its cookie, which the action
 * must see too (a comment stored before an error is the same browser's when the action retries).
 */
export async function answerCommentPost(
  request: NextRequest,
  form: FormData,
  slug: string,
): Promise<{ answer: Response | null; carried: CarriedCookie | null }> {
  const none = { answer: null, carried: null };
  // React's form for the action carries its $ACTION_KEY; a preview and the author go to the action.
  if (!form.has("$ACTION_KEY") || form.get("slug") !== slug || form.has("intent")) return none;
  if (hasAdminCookie(request.cookies)) return none;
  const ip = stampedClientAddress(request.headers);
  if (!ip) return none; // not started by server.ts: the action says so once, and limits everyone as one
  const options = cookieOptionsFor(request.headers, READER_COOKIE_SECONDS);
  let carried: CarriedCookie | null = null;
  const browserId = browserIdFrom(
    request.cookies,
    { set: (name, value) => (carried = { name, value, options }) },
    options,
  );
  let result: Awaited<ReturnType<typeof submitComment>>;
  try {
    result = await submitComment(commentSubmission(form), { ip, browserId });
  } catch (error) {
    console.error(`comments: cannot store a comment on "${slug}" (its server action tries once more)`, error);
    return { answer: null, carried };
  }
  if (result.kind !== "posted" && result.kind !== "ignored") return { answer: null, carried };
  const response = new NextResponse(null, { status: 303, headers: { "cache-control": "no-store" } });
  const set = carried as CarriedCookie | null;
  if (set) response.cookies.set(set.name, set.value, set.options);
  if (result.kind === "posted") rememberCommentIn(request.cookies, response.cookies, result.id, result.name, options);
  // Absolute here; Next.js sends it relative, as it does the action's redirect.
  const location = postedCommentPath(slug, result.kind === "posted" ? result.id : null);
  response.headers.set("location", new URL(location, request.url).href);
  return { answer: response, carried: null };
}
