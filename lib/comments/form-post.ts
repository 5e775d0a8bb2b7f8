import "server-only";
import { randomUUID } from "node:crypto";
import { RequestCookies, ResponseCookies } from "@edge-runtime/cookies";
import { postedCommentPath } from "../routes";
import { hasAdminCookie } from "../server/admin";
import { stampedClientAddress } from "../server/client-address";
import { cookieOptionsFor } from "../server/cookies";
import { LANE_NOTE, type LaneAnswer } from "../server/post-lane";
import { hasMalformedActionFields, readForm } from "../server/request-guards";
import { ACTION_KEY_FIELD } from "../server/next-internals";
import { browserIdFrom, READER_COOKIE_SECONDS, rememberCommentIn } from "./reader";
import { submitComment, type SubmitResult, type Submission } from "./service";
import { HONEYPOT_FIELD } from "./spam";
import { processWide } from "../process-wide";

// The comment form posted without JavaScript: a multipart POST to the article's address, which
// Next.js hands to the form's server action (lib/comments/actions.ts). server.ts's lane for posts
// (lib/server/post-lane.ts) answers it here when the comment is stored: the same rules
// (submitComment), the same cookies and the same 303 to the new comment as the action, at a
// fraction of the CPU (measured in bench/results.md: Next.js's request handling and the action's
// parse the form again, set up their request stores and render nothing). Whatever else the post
// comes to (field errors, a rate limit, an expired form, a database away, the signed-in author, a
// preview) nothing is stored, and the action answers it as it always did, with the page and the
// reader's text kept, from the verdict found here when there is one (judgedByTheLane).

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
 * The answer to a comment form posted without JavaScript to the article `slug`, when it is stored
 * (or a bot's, stored as nothing); otherwise no answer, and the server action is to answer it. A
 * reader without a browser id gets one made here: `setCookie` then holds its cookie, which the
 * action must see too (a comment stored before an error is the same browser's when the action
 * retries).
 */
export async function answerFormPost(headers: Headers, body: Buffer, slug: string): Promise<LaneAnswer> {
  const none = { answer: null, setCookie: null };
  const form = await readForm(headers, body);
  if (form === null || form === "malformed" || hasMalformedActionFields(headers, form)) return none;
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
  const toTheAction = (judged?: SubmitResult) => ({
    answer: null,
    setCookie: made.getSetCookie()[0] ?? null,
    note: judged && handOn(judged),
  });
  let result: SubmitResult;
  try {
    result = await submitComment(commentSubmission(form), { ip, browserId });
  } catch (error) {
    console.error(`comments: cannot store a comment on "${slug}" (its server action tries once more)`, error);
    return toTheAction();
  }
  if (result.kind !== "posted" && result.kind !== "ignored") return toTheAction(result);
  if (result.kind === "posted") rememberCommentIn(jar, out, result.id, result.name, options);
  // Relative, as Next.js sends the action's redirect.
  made.set("location", postedCommentPath(slug, result.kind === "posted" ? result.id : null));
  made.set("cache-control", "no-store");
  return { answer: new Response(null, { status: 303, headers: made }) };
}

// A post handed on to the action was judged here already: the action shows that outcome rather
// than judge it again (a refusal keeps its rate-limit place, and a second would be taken). Kept
// in memory by a random key that only the request handed on carries (LANE_NOTE): a key nobody made
// here (a forged header, plain `next start`) finds nothing, and the action judges the post itself.
// Once per process: the lane's answerer and the actions are bundled apart.
const judged = processWide("judged-posts", () => new Map<string, SubmitResult>());
// A handed-on post the action never reads (the proxy refused it) is forgotten with the oldest.
const JUDGED_MAX = 1_000;

function handOn(result: SubmitResult): string {
  const key = randomUUID();
  judged.set(key, result);
  if (judged.size > JUDGED_MAX) judged.delete(judged.keys().next().value!);
  return key;
}

/** For the action: what server.ts's lane found of this very post, once; null when it judged nothing. */
export function judgedByTheLane(headers: Headers): SubmitResult | null {
  const key = headers.get(LANE_NOTE);
  const result = key ? judged.get(key) : undefined;
  if (!result) return null;
  judged.delete(key!);
  return result;
}
