// The mails of a site in every language it ships (SITE_LANGUAGE): a confirmation, a reply
// notification and the author's new-comment mail, sent for real (the outbox, the sender, a real
// SMTP server) and read back: subject, text part and what the HTML part shows hold no word of
// the English interface and no raw message key, and the HTML part carries the language and, for
// Arabic and Urdu, the right-to-left direction. On SQLite (the mail is the same on PostgreSQL:
// mail-parts.test.ts).
import { parseFragment } from "parse5";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ParsedMail } from "mailparser";
import { createComment } from "@/lib/comments/store";
import { recordNewComment } from "@/lib/mail/notifications";
import { sendDue } from "@/lib/mail/sender";
import { subscribe } from "@/lib/mail/subscriptions";
import { LANGUAGES, textDirection } from "@/lib/i18n/languages";
import { englishLeft } from "../support/english-left";
import { freshSqlite, withDatabase } from "../support/databases";
import { startMailbox, type TestMailbox } from "../support/smtp";

vi.hoisted(() => {
  process.env.CONTENT_DIR = "tests/fixtures/content-mail";
});
const SLUG = "tips-and-tricks";
// The reader's words, in no catalog.
const NAME = "Ada";
const BODY = "Lorem ipsum dolor sit amet.";

/** What a mail client shows of the HTML part (its stylesheet is not shown). */
function shown(html: string): string {
  type Node = { nodeName: string; value?: string; childNodes?: Node[] };
  const walk = (node: Node): string =>
    node.nodeName === "#text"
      ? node.value!
      : node.nodeName === "style"
        ? ""
        : (node.childNodes ?? []).map(walk).join(" ");
  return walk(parseFragment(html) as Node);
}

/** Links are addresses, not words: /email/unsubscribe is the same in every language. */
const withoutUrls = (text: string) => text.replace(/https?:\/\/\S+/g, "");

describe.each(LANGUAGES.map((language, index) => [language, index] as const))("mail in %s", (language, index) => {
  const database = withDatabase(freshSqlite, null);
  let mailbox: TestMailbox;
  let clock = Date.parse("2026-05-01T10:00:00Z");
  const later = (ms: number) => new Date((clock += ms));

  beforeAll(async () => {
    mailbox = await startMailbox(8571 + index);
    vi.stubEnv("SITE_LANGUAGE", language);
    vi.stubEnv("SMTP_URL", mailbox.url);
    vi.stubEnv("MAIL_FROM", "Marginalia <mail@marginalia.example>");
    vi.stubEnv("AUTHOR_EMAIL", "author@example.org");
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await mailbox?.stop();
  });

  async function send(): Promise<ParsedMail[]> {
    const { subscriberId } = await database.db.$transaction((tx) =>
      subscribe(tx as never, { email: "reader@example.org", kind: "discussion", target: SLUG }, later(1000)),
    );
    await sendDue(database.db, later(1000));
    await mailbox.waitFor(1);
    await database.db.subscriber.update({ where: { id: subscriberId! }, data: { confirmedAt: later(1000) } });
    const now = later(1000);
    const event = { slug: SLUG, answers: null, name: NAME, body: BODY, status: "published" as const, browserId: "b" };
    const created = await createComment(
      { ...event, parentId: null, onCreated: (tx, id) => recordNewComment(tx, { id, ...event }, now) },
      database.db,
      now,
    );
    if (created.kind !== "created") throw new Error(created.kind);
    await sendDue(database.db, later(3_600_000));
    return mailbox.waitFor(3);
  }

  it(`is written in ${language}, both parts and the subject`, async () => {
    const mails = await send();
    expect(mails).toHaveLength(3);
    for (const mail of mails) {
      const html = String(mail.html);
      expect(html).toContain(`<html lang="${language}"${textDirection(language) === "rtl" ? ' dir="rtl"' : ""}>`);
      if (language === "en") continue;
      for (const [part, text] of [
        ["subject", mail.subject ?? ""],
        ["text", withoutUrls(mail.text ?? "")],
        ["html", shown(html)],
      ] as const) {
        expect(englishLeft(text, language), `${mail.subject}: ${part}`).toEqual({ words: [], keys: [] });
      }
    }
  });
});
