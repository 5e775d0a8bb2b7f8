import { describe, expect, it } from "vitest";
import { backQuery, moderationUrl, parseModerationQuery } from "@/lib/comments/moderation-query";

// The moderation list's address: what it says is read back the same, anything forged falls back
// to a default, and the way back after an action is always /admin.

describe("the moderation list's address", () => {
  it("round-trips search, filters and page, leaving defaults out", () => {
    const query = parseModerationQuery({
      q: " spam ",
      status: "pending",
      article: "field-note-07",
      flagged: "1",
      page: "3",
      per: "100",
    });
    expect(query).toEqual({ q: "spam", status: "pending", article: "field-note-07", flagged: "1", page: 3, per: 100 });
    expect(moderationUrl(query)).toBe("/admin?q=spam&status=pending&article=field-note-07&flagged=1&page=3&per=100");
    expect(moderationUrl(query, { status: undefined, page: 1 })).toBe(
      "/admin?q=spam&article=field-note-07&flagged=1&per=100",
    );
    expect(moderationUrl(parseModerationQuery({}))).toBe("/admin");
    expect(moderationUrl(parseModerationQuery({}), {}, { done: "hide", n: "2" }, "bans")).toBe(
      "/admin?done=hide&n=2#bans",
    );
  });

  it("falls back to defaults for values it does not know", () => {
    expect(
      parseModerationQuery({
        q: "x".repeat(500),
        status: "deleted",
        article: "../etc",
        flagged: "yes",
        page: "-2",
        per: "5000",
      }),
    ).toEqual({ q: undefined, status: undefined, article: undefined, flagged: undefined, page: 1, per: 50 });
    expect(parseModerationQuery({ status: ["hidden", "pending"], page: ["2"] })).toMatchObject({
      status: "hidden",
      page: 2,
    });
  });

  it("takes the way back from a form as a query only: never another address", () => {
    expect(moderationUrl(backQuery("status=hidden&page=2"))).toBe("/admin?status=hidden&page=2");
    expect(moderationUrl(backQuery("https://evil.example/?status=hidden"))).toBe("/admin");
    expect(moderationUrl(backQuery("//evil.example"))).toBe("/admin");
    expect(moderationUrl(backQuery(null))).toBe("/admin");
  });
});
