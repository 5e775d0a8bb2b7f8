// The author's new-comment mail carries a List-Unsubscribe like every other mail; for the author it
// means "pause these mails" (lib/mail/author-mail.ts), and /admin switches them back on. Real SMTP
// both ways of the check: the mail as received (mailparser), its one-click link acted on as the
// one-click route does, the next comment's mail not sent while paused and sent again after. On
// SQLite and PostgreSQL, since the switch is stored in the database.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ParsedMail } from "mailparser";
import { createComment } from "@/lib/comments/store";
import { recordNewComment } from "@/lib/mail/notifications";
import { sendDue } from "@/lib/mail/sender";
import { authorMailPaused, pauseAuthorMailToken, setAuthorMailPaused } from "@/lib/mail/author-mail";
import { describeUnsubscribe, readUnsubscribeToken, unsubscribe } from "@/lib/mail/subscriptions";
import { providers, withDatabase } from "../support/databases";
import { startMailbox, type TestMailbox } from "../support/smtp";

const AUTHOR = "author@example.org";

const header = (mail: ParsedMail, key: string) =>
  mail.headerLines.find((h) => h.key === key)?.line.replace(/\r?\n\s+/g, "") ?? null;

describe.each(providers)("the author's new-comment mails on %s", (name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  let mailbox: TestMailbox;
  let clock = Date.now();
  const later = (ms: number) => new Date((clock += ms));

  beforeAll(async () => {
    if (skipReason) return;
    mailbox = await startMailbox(name === "SQLite" ? 4401 : 4402);
    vi.stubEnv("SMTP_URL", mailbox.url);
    vi.stubEnv("MAIL_FROM", "Marginalia <mail@marginalia.example>");
    vi.stubEnv("AUTHOR_EMAIL", AUTHOR);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await mailbox?.stop();
  });

  /** A reader's comment, with what it sets off queued in its transaction, then the outbox sent. */
  async function comment(body: string) {
    const now = later(1000);
    const event = {
      slug: "hello-world",
      answers: null,
      name: "Ann",
      body,
      status: "published" as const,
      browserId: null,
    };
    const created = await createComment(
      { ...event, parentId: null, onCreated: (tx, id) => recordNewComment(tx, { id, ...event }, now) },
      database.db,
      now,
    );
    if (created.kind !== "created") throw new Error(created.kind);
    await sendDue(database.db, later(1000));
  }

  it.skipIf(skipReason)(
    "carry a one-click List-Unsubscribe that pauses them, and /admin's switch brings them back",
    async () => {
      await comment("First!");
      const [first] = await mailbox.waitFor(1);
      expect(first.subject).toBe("New comment by Ann on “hello-world”");
      expect(header(first, "list-unsubscribe-post")).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
      const url = new URL(/<([^>]+)>/.exec(header(first, "list-unsubscribe") ?? "")![1]);
      expect(url.pathname).toBe("/email/one-click");
      // The mail says it too, in words, with the page that asks first.
      expect(first.text).toMatch(/^Pause these mails \(switch them back on in \/admin\): \S+\/email\/unsubscribe\?t=/m);

      // What a provider's one-click POST does (app/email/one-click/route.ts): the signed token, nothing else.
      const target = readUnsubscribeToken(url.searchParams.get("t"));
      expect(target).toMatchObject({ kind: "author" });
      expect(await describeUnsubscribe(database.db, target!)).toMatch(/new comments/);
      expect(await unsubscribe(database.db, target!)).toBe("done");
      expect(await unsubscribe(database.db, target!)).toBe("already");
      expect(await authorMailPaused(database.db)).toBe(true);

      await comment("Second, while paused");
      expect(await database.db.outboxMessage.count({ where: { kind: "author", status: "queued" } })).toBe(0);
      expect(mailbox.mails).toHaveLength(1);

      // Switched back on in /admin (lib/mail/author-mail-actions.ts): the next comment is mailed.
      await setAuthorMailPaused(database.db, false);
      await comment("Third, back on");
      const mails = await mailbox.waitFor(2);
      expect(mails[1].text).toContain("Third, back on");
    },
  );

  it.skipIf(skipReason)("a mail already queued when they are paused is not sent", async () => {
    await setAuthorMailPaused(database.db, false);
    vi.stubEnv("AUTHOR_DIGEST_MINUTES", "10");
    const before = mailbox.mails.length;
    await comment("Queued for the digest");
    await setAuthorMailPaused(database.db, true);
    await sendDue(database.db, later(20 * 60_000));
    expect(await database.db.outboxMessage.count({ where: { kind: "author", status: "dropped" } })).toBe(1);
    expect(mailbox.mails).toHaveLength(before);
    vi.stubEnv("AUTHOR_DIGEST_MINUTES", "0");
  });

  it.skipIf(skipReason)(
    "cannot be paused by an altered link, nor by one sent to an earlier author address",
    async () => {
      await setAuthorMailPaused(database.db, false);
      const token = pauseAuthorMailToken(AUTHOR);
      expect(readUnsubscribeToken(token.replace("author-pause:", "author-pause:x"))).toBeNull();
      const old = readUnsubscribeToken(pauseAuthorMailToken("former-author@example.org"))!;
      expect(await unsubscribe(database.db, old)).toBe("already");
      expect(await describeUnsubscribe(database.db, old)).toBeNull();
      expect(await authorMailPaused(database.db)).toBe(false);
    },
  );
});
