import { expect, it } from "vitest";
import { countLinks, renderCommentMarkdown } from "@/lib/content/comment-markdown";
import { commentBodySchema } from "@/lib/comments/validation";

// Found by the reliability suite's fuzzing: thousands of nested quotes overflowed the parser's stack and
// the comment action answered 500.
it("refuses a comment nested too deeply to parse, and never throws on one", () => {
  const bomb = `${">".repeat(4_000)} x`;
  expect(countLinks(bomb)).toBe(Number.POSITIVE_INFINITY);
  const result = commentBodySchema.safeParse(bomb);
  expect(result.success).toBe(false);
  expect(result.error?.issues[0].message).toBe("Your comment nests quotes or lists too deeply.");
  expect(() => renderCommentMarkdown(bomb)).not.toThrow();
  expect(commentBodySchema.safeParse("> one\n>> two\n\n- a\n  - b\n    1. c").success).toBe(true);
  expect(commentBodySchema.safeParse(`${"- ".repeat(40)}deep`).success).toBe(false);
});
