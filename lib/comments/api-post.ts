import "server-only";
import { translator } from "../i18n";

// The JSON API's errors are for the programs that call it: English, whatever SITE_LANGUAGE says
// (docs/languages.md); its field errors are the form's, in the site's language.
const english = translator("en");
const waitFor = (seconds: number) =>
  seconds < 60
    ? english("wait.seconds", { count: seconds })
    : english("wait.minutes", { count: Math.ceil(seconds / 60) });
import { isJsonContentType } from "../server/media-type";
import { tooLarge } from "../server/request-guards";
import { submitComment } from "./service";

// Posting through the JSON API, for scripts and other non-browser clients: the same rules as the
// form, answered with HTTP status codes: 201, 400, 403, 404, 409, 413, 415, 429 with Retry-After,
// 503. Each comment needs a token from a GET, at least a few seconds old; sending a token again
// returns the comment it already made (200), so a retry never posts twice. A token a browser's
// form already used is refused (409): the API never hands over a browser's comment. Answered by
// server.ts's lane for posts (lib/server/post-lane.ts), or by the route under plain `next start`.

/** A JSON answer, never cached. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { "cache-control": "no-store", ...headers } });

/** The answer to a comment POSTed to the API of the article `slug`: `body` is null when it was over the limit. */
export async function answerApiPost(
  headers: Headers,
  body: Buffer | null,
  slug: string,
  ip: string,
): Promise<Response> {
  if (!isJsonContentType(headers.get("content-type"))) {
    return json(415, { error: "Send the comment as application/json." });
  }
  if (!body) return tooLarge(true);
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
    const result = await submitComment(submission, { ip, browserId: null });
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
