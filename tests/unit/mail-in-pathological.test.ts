// A reply by mail is read by regular expressions (email-reply-parser's, without RE2, and ours) and
// the importer's HTML converter: none may hold the event loop, whatever a sender crafts. Each
// crafted body, larger than any reply may be, is read in at most 50 ms of CPU of this process
// (not wall clock), as tests/unit/pathological-input.test.ts measures the comment's own steps.
import type { ParsedMail } from "mailparser";
import { describe, expect, it } from "vitest";
import { isAutomatic, replyText } from "@/lib/mail-in/reply-text";
import { CPU_MAX_MS, cpuMs } from "../support/cpu";

const SIZE = 1_000_000;

const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

/** What mailparser hands over, for a text-only or an HTML-only mail. */
const mail = (part: "text" | "html", body: string, subject = "Re: hello"): ParsedMail =>
  ({
    subject,
    [part]: body,
    headers: new Map<string, unknown>([["content-type", { value: part === "html" ? "text/html" : "text/plain" }]]),
    attachments: [],
  }) as unknown as ParsedMail;

const TEXT: Record<string, string> = {
  "one line of spaces after On": `On ${fill(" ")}`,
  "On … wrote without an end": fill("On a b "),
  "lines of On": fill("On a\n"),
  "quote markers": fill("> "),
  "nested quote markers": fill(">"),
  "signature dashes": fill("-- \n"),
  "underscores (Outlook's rule)": fill("_"),
  "From: lines without Sent": fill("From: a\n"),
  "Sent from my, repeated": fill("\nSent from my "),
  "one long word": fill("a"),
  "blank lines": fill("\n"),
  "blank lines between words": fill("a\n \n"),
  "long lines of On and spaces": fill(`On ${" ".repeat(990)}\n`),
  "long lines of words": fill(`${"ab ".repeat(330)}\n`),
  "Outlook's header labels in bold (from HTML)": fill("**From:** a\n\n"),
};
const HTML: Record<string, string> = {
  "nested blockquotes": fill("<blockquote>"),
  "nested divs": fill("<div>"),
  "unclosed tags": fill("<b><i>"),
  entities: fill("&amp;&#x3C;"),
  // Where a client's quote begins is looked for in the HTML: tags and attributes left open.
  "open tags with attributes": fill('<div class="a '),
  "attribute values left open": fill('<blockquote id="'),
};

describe("a crafted reply costs at most 50 ms of CPU to read", () => {
  for (const [name, body] of Object.entries(TEXT)) {
    it(`text: ${name}`, () => {
      expect(cpuMs(() => replyText(mail("text", body)))).toBeLessThanOrEqual(CPU_MAX_MS);
    });
  }
  for (const [name, body] of Object.entries(HTML)) {
    it(`HTML only: ${name}`, () => {
      expect(cpuMs(() => replyText(mail("html", body)))).toBeLessThanOrEqual(CPU_MAX_MS);
    });
  }
  it("a long subject, checked for an auto-reply", () => {
    expect(cpuMs(() => isAutomatic(mail("text", "hi", fill("auto "))))).toBeLessThanOrEqual(CPU_MAX_MS);
  });
});
