import "server-only";
import { RequestCookies, ResponseCookies } from "@edge-runtime/cookies";
import { postedCommentPath } from "../routes";
import { hasAdminCookie } from "../server/admin";
import { stampedClientAddress } from "../server/client-address";
import { cookieOptionsFor } from "../server/cookies";
import type { LaneAnswer } from "../server/post-lane";
import { ACTION_KEY_FIELD } from "../server/next-internals";
import { browserIdFrom, READER_COOKIE_SECONDS, rememberCommentIn } from "./reader";
import { submitComment, type SubmitResult, type Submission } from "./service";
import { HONEYPOT_FIELD } from "./spam";

// The comment form posted without JavaScript: a multipart POST to the article's address, which
// Next.js hands to the form's server action (lib/comments/actions.ts). server.ts's lane for posts
// (lib/server/post-lane.ts) answers it here when the comment is stored: the same rules
// (submitComment), the same cookies and the same 303 to the new comment as the action, at a
// fraction of the CPU (measured in bench/results.md: Next.js's request handling and the action's
// parse the form again, set up their request stores and render nothing). Whatever else the post
// comes to (field errors, a rate limit, an expired form, a database away, the signed-in author, a
// preview) nothing is stored, and the action answers it as it always did, with the page and the
// reader's text kept: it judges the post again, and a refusal is the same the second time (the
// submission keeps its one rate-limit place: lib/comments/service/posting.ts).

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

/**
 * The answer to a comment form posted without JavaScript to the article `slug` (its `form` past the
 * door, lib/server/request-guards.ts checkPost), when it is stored
 * (or a bot's, stored as nothing); otherwise no answer, and the server action is to answer it. A
 * reader without a browser id gets one made here: `setCookie` then holds its cookie, which the
 * action must see too (a comment stored before an error is the same browser's when the action
 * retries).
 */
export async function answerFormPost(headers: Headers, form: FormData | null, slug: string): Promise<LaneAnswer> {
  const none = { answer: null, setCookie: null };
  if (!form) return none;
  // React's form for the action carries its $ACTION_KEY; a preview and the author go to the action.
  if (!form.has(ACTION_KEY_FIELD) || form.get("slug") !== slug || form.has("intent")) return none;
  const jar = new RequestCookies(headers);
  if (hasAdminCookie(jar)) return none;
  const ip = stampedClientAddress(headers);
  if (!ip) return none;
  const options = cookieOptionsFor(headers, READER_COOKIE_SECONDS);
  const made = new Headers();
  const out = new ResponseCookies(made);
  const browserId = browserIdFrom(jar, out, options);
  const toTheAction = () => ({ answer: null, setCookie: made.getSetCookie()[0] ?? null });
  let result: SubmitResult;
  try {
    result = await submitComment(commentSubmission(form), { ip, browserId });
  } catch (error) {
    console.error(`comments: cannot store a comment on "${slug}" (its server action tries once more)`, error);
    return toTheAction();
  }
  if (result.kind !== "posted" && result.kind !== "ignored") return toTheAction();
  if (result.kind === "posted") rememberCommentIn(jar, out, result.id, result.name, options);
  // Relative, as Next.js sends the action's redirect.
  made.set("location", postedCommentPath(slug, result.kind === "posted" ? result.id : null));
  made.set("cache-control", "no-store");
  return { answer: new Response(null, { status: 303, headers: made }) };
}
