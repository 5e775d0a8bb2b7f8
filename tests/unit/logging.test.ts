import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { isRequestId, requestIdOf } from "@/lib/server/request-id";
import { loggedPath, withoutEmails } from "@/lib/server/log";

describe("a request's id", () => {
  it("keeps a proxy's well-formed id: nginx's $request_id, a UUID, base64", () => {
    for (const id of [
      "3f9c1e0b7a2d4c58b6e1f0a9d8c7b6a5",
      "0b8e4b52-3f3d-4c4e-9d4e-6c1d2a3b4c5d",
      "q1w2e3r4t5y6u7i8o9p0+/==",
    ]) {
      expect(requestIdOf(id)).toBe(id);
    }
  });

  it("replaces anything else with an id of its own: too short, too long, spaces, markup, line breaks, several", () => {
    const hostile = [
      "short",
      "a".repeat(129),
      "has a space in it",
      "<script>alert(1)</script>",
      "line\r\nSet-Cookie: x=1",
      "ünïcödé-request-id",
      "first-request-id, second-request-id",
      "",
      undefined,
      null,
      ["first-request-id", "second-request-id"],
    ];
    const replaced = hostile.map((value) => requestIdOf(value));
    for (const id of replaced) {
      expect(isRequestId(id)).toBe(true);
      expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    }
    expect(new Set(replaced).size).toBe(replaced.length);
  });
});

describe("what a log line may hold", () => {
  it("logs a path without its query string (tokens travel there), bounded", () => {
    expect(loggedPath("/preview/draft?token=0123456789abcdef")).toBe("/preview/draft");
    expect(loggedPath("/email/confirm?token=abc#top")).toBe("/email/confirm");
    expect(loggedPath(`/${"a".repeat(5000)}`).length).toBe(257);
    expect(loggedPath(undefined)).toBe("");
  });

  it("blanks email addresses in messages", () => {
    expect(withoutEmails("550 5.1.1 <reader.name+tag@mail.example.com>: Recipient address rejected")).toBe(
      "550 5.1.1 <[address]>: Recipient address rejected",
    );
    expect(withoutEmails("no address here @ all")).toBe("no address here @ all");
  });

  it("writes JSON lines with the request's id, the change, and no text, address or cookie", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "tests/support/log-probe.ts"], {
      env: { ...process.env, LOG_LEVEL: "info" },
    });
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(5);
    const [change, careless, consoleError, failed, outside] = lines;
    expect(change).toMatchObject({
      level: "info",
      requestId: "probe-request-0001",
      event: "comment",
      action: "post",
      outcome: "posted",
      slug: "an-article",
      commentId: "c1",
      pending: false,
    });
    expect(careless).toMatchObject({ requestId: "probe-request-0001", msg: "careless" });
    expect(careless).not.toHaveProperty("body");
    expect(careless).not.toHaveProperty("email");
    expect(careless).not.toHaveProperty("cookie");
    expect(consoleError).toMatchObject({ level: "error", requestId: "probe-request-0001" });
    expect((consoleError.err as { message: string }).message).toBe("550 5.1.1 <[address]>: rejected");
    expect(failed).toMatchObject({ level: "error", event: "comment", action: "react", outcome: "failed" });
    expect((failed.slug as string).length).toBe(128);
    expect(outside).toMatchObject({ level: "info", msg: "outside any request" });
    expect(outside).not.toHaveProperty("requestId");
    expect(stdout).not.toContain("reader@example.com");
    expect(stdout).not.toContain("the comment's text");
    expect(stdout).not.toContain("mg_admin");
  });
});
