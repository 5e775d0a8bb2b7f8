import { z } from "zod";
import { countLinks, mayHoldMoreLinks } from "../content/comment-markdown";
import { BODY_MAX, LINKS_MAX, NAME_MAX } from "./limits";
import { siteLanguage, t, type MessageKey } from "../i18n";

export { BODY_MAX, LINKS_MAX, NAME_MAX };

// C0/C1 control characters (NUL, escape, bell, …) and the bidirectional overrides that can make
// a comment display differently from what it says. Line breaks and tabs survive in the body.
const CONTROL_IN_BODY = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const CONTROL_IN_NAME = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
// What else XML 1.0 forbids: U+FFFE, U+FFFF and halves of surrogate pairs (a JSON string can
// carry "\ud800"). One of them in a comment would make its feed unreadable to every subscriber.
const NOT_XML = /[\uFFFE\uFFFF]|\p{Cs}/gu;
// Characters nobody sees (zero-width space, joiners, word joiner, BOM, soft hyphen, Hangul fillers,
// braille blank): trimmed at the ends like spaces. Not inside, where a joiner holds an emoji
// sequence (👩‍💻) together.
const INVISIBLE = /[\s\u00AD\u115F\u1160\u180E\u200B-\u200F\u2060-\u2064\u2800\u3164\uFFA0]/;
// A character someone can see: not a space, not one that fonts ignore, not a combining mark alone.
const VISIBLE = /[^\p{White_Space}\p{Default_Ignorable_Code_Point}\p{M}\u2800]/u;

// A loop rather than /^[…]+|[…]+$/, which takes quadratic time on a long run of spaces. Every
// INVISIBLE character is a single UTF-16 unit.
function trimInvisible(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && INVISIBLE.test(value[start])) start++;
  while (end > start && INVISIBLE.test(value[end - 1])) end--;
  return value.slice(start, end);
}

// Lengths count characters as a reader sees them (code points), so an emoji counts once.
const length = (value: string) => [...value].length;

// Messages as functions: said in the site's language when they are, not when this module loads.
function text(options: { max: number; strip: RegExp; required: MessageKey; tooLong: MessageKey; oneLine?: boolean }) {
  const required = () => t(options.required);
  return z
    .string({ error: required })
    .transform((value) => {
      const clean = value
        .replace(/\r\n?/g, "\n")
        .replace(options.strip, options.oneLine ? " " : "")
        .replace(NOT_XML, "");
      return trimInvisible(options.oneLine ? clean.replace(/\s+/g, " ") : clean);
    })
    .pipe(
      z
        .string()
        // abort: zod runs the checks after a failed one too, and the body's next is the link count,
        // a markdown parse that takes seconds on 60 KB of "*[" (the parser is quadratic there).
        .refine((value) => VISIBLE.test(value), { error: required, abort: true })
        .refine((value) => length(value) <= options.max, {
          error: () => t(options.tooLong, { max: siteLanguage().format.number(options.max) }),
          abort: true,
        }),
    );
}

/** A comment's text, the same rules for a new comment and an edit. */
export const commentBodySchema = text({
  max: BODY_MAX,
  strip: CONTROL_IN_BODY,
  required: "validation.bodyRequired",
  tooLong: "validation.bodyTooLong",
}).superRefine((body, ctx) => {
  const links = mayHoldMoreLinks(body, LINKS_MAX) ? countLinks(body) : 0;
  if (links === Number.POSITIVE_INFINITY) ctx.addIssue({ code: "custom", message: t("validation.tooDeep") });
  else if (links > LINKS_MAX)
    ctx.addIssue({ code: "custom", message: t("validation.tooManyLinks", { max: LINKS_MAX }) });
});

/** A commenter's name, the same rules for a new comment and an imported one. */
export const commentNameSchema = text({
  max: NAME_MAX,
  strip: CONTROL_IN_NAME,
  oneLine: true,
  required: "validation.nameRequired",
  tooLong: "validation.nameTooLong",
});

/** What a reader submits with the comment form or the API; shared by both and the tests. */
export const commentInputSchema = z.object({
  name: commentNameSchema,
  body: commentBodySchema,
  // A number or an object is a client's mistake, not a new thread.
  parentId: z
    .string({ error: () => t("validation.parentId") })
    .nullish()
    .transform((id) => id || null),
});

export type CommentInput = z.infer<typeof commentInputSchema>;
export type { CommentField } from "./limits";
