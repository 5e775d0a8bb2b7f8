import { afterEach, describe, expect, it, vi } from "vitest";
import { safeEqual, sign, unsign } from "@/lib/server/signing";
import { checkFormToken, FORM_TOKEN_MAX_AGE_MS } from "@/lib/comments/spam";
import { issueFormToken } from "@/lib/server/form-token";

afterEach(() => vi.unstubAllEnvs());

describe("signed values", () => {
  it("round-trip, and refuse any change to value or signature", () => {
    const token = sign("comment-ids:a~b");
    expect(unsign(token)).toBe("comment-ids:a~b");
    expect(unsign(token.replace("a~b", "a~c"))).toBeNull();
    expect(unsign(`${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`)).toBeNull();
    expect(unsign("no-signature")).toBeNull();
    expect(unsign("")).toBeNull();
    expect(unsign(undefined)).toBeNull();
  });

  it("signed with another secret is refused", () => {
    const token = sign("admin");
    vi.stubEnv("COOKIE_SECRET", "another-secret-that-is-at-least-32-characters");
    expect(unsign(token)).toBeNull();
  });

  it("refuses to sign without a long enough secret", () => {
    vi.stubEnv("COOKIE_SECRET", "short");
    expect(() => sign("x")).toThrow("COOKIE_SECRET must be at least 32 characters");
  });

  it("compares secrets exactly", () => {
    expect(safeEqual("correct horse", "correct horse")).toBe(true);
    expect(safeEqual("correct horse", "correct hors")).toBe(false);
    expect(safeEqual("", "x")).toBe(false);
  });
});

describe("the form token", () => {
  it("lets a form through after the minimum fill time, with a submission id of its own", () => {
    const issued = Date.parse("2026-01-01T10:00:00Z");
    const token = issueFormToken(issued);
    const check = checkFormToken(token, issued + 3_000);
    expect(check).toMatchObject({ kind: "ok", quick: false });
    expect(checkFormToken(issueFormToken(issued), issued + 3_000)).not.toEqual(check);
  });

  it("marks a form sent back faster than a person types as quick, and still lets it through", () => {
    const issued = Date.now();
    expect(checkFormToken(issueFormToken(issued), issued + 500)).toMatchObject({ kind: "ok", quick: true });
    vi.stubEnv("COMMENT_MIN_FILL_SECONDS", "0");
    expect(checkFormToken(issueFormToken(issued), issued)).toMatchObject({ kind: "ok", quick: false });
  });

  it("expires after a day, so a token harvested once does not serve for ever", () => {
    const issued = Date.parse("2026-01-01T10:00:00Z");
    expect(FORM_TOKEN_MAX_AGE_MS).toBe(24 * 60 * 60_000);
    expect(checkFormToken(issueFormToken(issued), issued + 23 * 60 * 60_000)).toMatchObject({ kind: "ok" });
    expect(checkFormToken(issueFormToken(issued), issued + FORM_TOKEN_MAX_AGE_MS + 1)).toEqual({ kind: "expired" });
    expect(checkFormToken(issueFormToken(issued), issued + 30 * FORM_TOKEN_MAX_AGE_MS)).toEqual({ kind: "expired" });
  });

  it("refuses missing, forged and malformed tokens", () => {
    for (const token of [undefined, null, 42, "", "123.abc", sign("not-a-time.abc"), sign("123")]) {
      expect(checkFormToken(token)).toEqual({ kind: "invalid" });
    }
  });
});
