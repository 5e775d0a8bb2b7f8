import { z } from "zod";
import { countLinks } from "../comment-markdown";
import { BODY_MAX, LINKS_MAX, NAME_MAX } from "./comment-limits";

export { BODY_MAX, LINKS_MAX, NAME_MAX };

// C0/C1 control characters (NUL, escape, bell, …) and the bidirectional overrides that can make
// a comment display differently from what it says. Line breaks and tabs survive in the body.
const CONTROL_IN_BODY = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const CONTROL_IN_NAME = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

// Lengths count characters as a reader sees them (code points), so an emoji counts once.
const length = (value: string) => [...value].length;

function text(options: { max: number; strip: RegExp; required: string; tooLong: string; oneLine?: boolean }) {
  return z
    .string({ error: options.required })
    .transform((value) => {
      const clean = value.replace(/\r\n?/g, "\n").replace(options.strip, options.oneLine ? " " : "");
      return (options.oneLine ? clean.replace(/\s+/g, " ") : clean).trim();
    })
    .pipe(
      z
        .string()
        .refine((value) => value.length > 0, options.required)
        .refine((value) => length(value) <= options.max, options.tooLong),
    );
}

/** A comment's text, the same rules for a new comment and an edit. */
export const commentBodySchema = text({
  max: BODY_MAX,
  strip: CONTROL_IN_BODY,
  required: "Please write a comment.",
  tooLong: `Your comment can be at most ${BODY_MAX.toLocaleString("en")} characters.`,
}).superRefine((body, ctx) => {
  const links = countLinks(body);
  if (links === Number.POSITIVE_INFINITY) ctx.addIssue({ code: "custom", message: "Your comment nests quotes or lists too deeply." });
  else if (links > LINKS_MAX) ctx.addIssue({ code: "custom", message: `A comment can hold at most ${LINKS_MAX} links.` });
});

/** What a reader submits with the comment form; shared by the server action and the tests. */
export const commentInputSchema = z.object({
  name: text({
    max: NAME_MAX,
    strip: CONTROL_IN_NAME,
    oneLine: true,
    required: "Please enter your name.",
    tooLong: `Your name can be at most ${NAME_MAX} characters.`,
  }),
  body: commentBodySchema,
});

export type CommentInput = z.infer<typeof commentInputSchema>;
export type { CommentField } from "./comment-limits";
