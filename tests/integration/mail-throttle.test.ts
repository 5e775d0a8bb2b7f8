// Confirmation mails cannot be turned on one mailbox (issue 24): sub-address spellings count as
// one mailbox, at most 3 confirmations a day, each with "Never mail me again" (a link and
// List-Unsubscribe) that blocks the mailbox for good, and confirmations have a share of the site's
// hourly budget that leaves notifications theirs. Real SMTP (smtp-server), mails read back with
// mailparser, on SQLite and PostgreSQL.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { submitComment } from "@/lib/comments/service";
import { createComment } from "@/lib/comments/store";
import { recordNewComment } from "@/lib/mail/notifications";
import { issueFormToken } from "@/lib/server/form-token";
import {
  confirmationSince,
  describeUnsubscribe,
  readUnsubscribeToken,
  subscribe,
  unsubscribe,
} from "@/lib/mail/subscriptions";
import { sendDue } from "@/lib/mail/sender";
import { mailboxKey } from "@/lib/mail/mailbox";
import { providers, withDatabase } from "../support/databases";
import { startMailbox, type TestMailbox } from "../support/smtp";

const SLUG = "monolith-vs-microservices"; // the one article of content/: the service checks it exists
const aged = () => issueFormToken(Date.now() - 10_000);

describe("the mailbox of an address", () => {
  it("is the address in lower case without its +tag; dots stay", () => {
    expect(mailboxKey("Victim+1@Example.org")).toBe("victim@example.org");
    expect(mailboxKey("victim+a+b@example.org")).toBe("victim@example.org");
    expect(mailboxKey("victim@example.org")).toBe("victim@example.org");
    expect(mailboxKey("v.i.c.t.i.m@example.org")).toBe("v.i.c.t.i.m@example.org");
    expect(mailboxKey("+tag@example.org")).toBe("+tag@example.org");
  });
});

describe.each(providers)("confirmation mails on %s", (name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  let mailbox: TestMailbox;
  let clock = Date.now();
  const later = (ms: number) => new Date((clock += ms));
  const port = name === "SQLite" ? 8543 : 8544;
  let address = 0;
  const nextIp = () => `10.24.${Math.floor(++address / 250)}.${address % 250}`;

  /** A comment whose "email me when someone replies" names `email`, from a client of its own. */
  const commentWithNotify = (email: string) =>
    submitComment(
      { slug: SLUG, name: "Ada", body: `Tell ${email} of replies`, token: aged(), notify: "on", email },
      { ip: nextIp(), browserId: null },
      database.db,
    );
  const follow = (email: string, target = SLUG) =>
    database.db.$transaction((tx) => subscribe(tx as never, { email, kind: "discussion", target }));
  /** A header as received, its folded lines joined. */
  const header = (mail: (typeof mailbox.mails)[number], key: string) =>
    mail.headerLines.find((h) => h.key === key)?.line.replace(/\r?\n\s+/g, "") ?? "";
  const oneClickOf = (mail: (typeof mailbox.mails)[number]) => /<([^>]+)>/.exec(header(mail, "list-unsubscribe"))?.[1];
  const toMailbox = (domain: string) => mailbox.mails.filter((m) => JSON.stringify(m.to).includes(`@${domain}`));

  beforeAll(async () => {
    if (skipReason) return;
    mailbox = await startMailbox(port);
    process.env.SMTP_URL = mailbox.url;
    process.env.MAIL_FROM = "Marginalia <mail@marginalia.example>";
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    if (mailbox) mailbox.mails.length = 0;
  });
  afterAll(async () => {
    await mailbox?.stop();
    for (const key of ["SMTP_URL", "MAIL_FROM"]) delete process.env[key];
  });

  describe.skipIf(skipReason)("per mailbox", () => {
    it("11 requests for victim+1…+11, by comment and follow form from 11 clients, send 3 mails; every comment posts", async () => {
      const confirmations: string[] = [];
      for (let i = 1; i <= 11; i++) {
        const email = `Victim+${i}@one.example`;
        const since = new Date();
        if (i % 2) {
          const posted = await commentWithNotify(email);
          expect(posted).toMatchObject({ kind: "posted" });
          confirmations.push(await confirmationSince(database.db, email.toLowerCase(), since));
        } else {
          confirmations.push((await follow(email.toLowerCase())).confirmation);
        }
      }
      expect(confirmations).toEqual(["queued", "queued", "queued", ...Array(8).fill("recently-sent")]);
      await sendDue(database.db, later(60_000));
      expect(toMailbox("one.example")).toHaveLength(3);
    });

    it("every confirmation carries “Never mail me again” and List-Unsubscribe with one-click; following it blocks every spelling", async () => {
      await follow("reader+news@two.example");
      await follow("reader@two.example", "another-article");
      await sendDue(database.db, later(60_000));
      const [first, second] = toMailbox("two.example");
      expect(second).toBeDefined();
      expect(header(first, "list-unsubscribe-post")).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
      const listUnsubscribe = oneClickOf(first);
      expect(listUnsubscribe).toMatch(/\/email\/one-click\?t=/);
      expect(first.text).toContain(
        `Never mail me again (this address and every +tag spelling of it): ${listUnsubscribe}`,
      );
      expect(first.html).toContain(`>Never mail me again (this address and every +tag spelling of it)</a>`);
      expect(first.html).toContain(listUnsubscribe!.replace(/&/g, "&amp;"));

      // The one-click POST and the page's button both end in unsubscribe() with the link's token.
      const target = readUnsubscribeToken(new URL(listUnsubscribe!).searchParams.get("t"));
      expect(target).toMatchObject({ kind: "never", domain: "two.example" });
      expect(await describeUnsubscribe(database.db, target!)).toContain("for good");
      expect(await unsubscribe(database.db, target!)).toBe("done");
      expect(await unsubscribe(database.db, target!)).toBe("already");
      expect(await describeUnsubscribe(database.db, target!)).toBeNull();
      // Its spellings are forgotten, and no spelling is recorded or mailed again.
      expect(await database.db.subscriber.count({ where: { email: { endsWith: "@two.example" } } })).toBe(0);
      mailbox.mails.length = 0;
      expect((await follow("READER+again@two.example".toLowerCase())).confirmation).toBe("blocked");
      expect(await commentWithNotify("reader+x@two.example")).toMatchObject({ kind: "posted" });
      expect(await confirmationSince(database.db, "reader+x@two.example", new Date(0))).toBe("blocked");
      await sendDue(database.db, later(60_000));
      expect(toMailbox("two.example")).toEqual([]);
    });

    it("a blocked mailbox gets no mail of any kind: a confirmed reader's notification is dropped", async () => {
      await follow("fan@three.example", "blocked-discussion");
      await database.db.subscriber.update({ where: { email: "fan@three.example" }, data: { confirmedAt: new Date() } });
      await follow("fan+other@three.example");
      await sendDue(database.db, later(60_000));
      const [confirmation] = toMailbox("three.example");
      const never = new URL(oneClickOf(confirmation)!);
      // Blocked by the other spelling's link; the confirmed spelling's reply mail was queued before.
      await post("blocked-discussion", "Grace");
      await unsubscribe(database.db, readUnsubscribeToken(never.searchParams.get("t"))!);
      // Gone with the spellings it was queued for.
      expect(await database.db.outboxMessage.count({ where: { kind: "reply" } })).toBe(0);
      // A spelling that comes back confirmed some other way (a restored backup) is still not mailed.
      const restored = await database.db.subscriber.create({
        data: { id: "restored-fan", email: "fan+restored@three.example", confirmedAt: new Date() },
      });
      await database.db.subscription.create({
        data: { id: "restored-follow", subscriberId: restored.id, kind: "discussion", target: "blocked-discussion" },
      });
      await post("blocked-discussion", "Linus");
      mailbox.mails.length = 0;
      await sendDue(database.db, later(600_000));
      expect(toMailbox("three.example")).toEqual([]);
      expect(
        await database.db.outboxMessage.findMany({
          where: { kind: "reply" },
          select: { status: true, lastError: true },
        }),
      ).toEqual([{ status: "dropped", lastError: "the mailbox asked never to be mailed" }]);
    });
  });

  describe.skipIf(skipReason)("the site's hourly budget", () => {
    it("with confirmations at their share, a notification to a confirmed reader still goes out", async () => {
      vi.stubEnv("MAIL_RATE_PER_HOUR", "6");
      vi.stubEnv("MAIL_CONFIRMATION_RATE_PER_HOUR", "2");
      later(2 * 3_600_000); // an hour of its own
      await follow("loyal@four.example", "budget-discussion");
      await database.db.subscriber.update({
        where: { email: "loyal@four.example" },
        data: { confirmedAt: new Date() },
      });
      for (let i = 1; i <= 5; i++) await follow(`newcomer${i}@five.example`);
      await post("budget-discussion", "Grace");
      await sendDue(database.db, later(600_000));
      expect(toMailbox("five.example")).toHaveLength(2);
      expect(toMailbox("four.example").map((m) => m.subject)).toEqual(["Grace replied on “budget-discussion”"]);
      // The other confirmations wait for the next hour, not lost.
      expect(await database.db.outboxMessage.count({ where: { kind: "confirm", status: "queued" } })).toBe(3);
    });
  });

  /** A published comment by `author` on `slug`, with what it sets off queued in its transaction. */
  async function post(slug: string, author: string) {
    const now = new Date();
    const result = await createComment(
      {
        slug,
        name: author,
        body: `${author} says hi`,
        status: "published",
        browserId: `browser-of-${author}`,
        onCreated: (tx, id) =>
          recordNewComment(
            tx,
            { id, slug, answers: null, name: author, body: `${author} says hi`, status: "published", browserId: null },
            now,
          ),
      },
      database.db,
      now,
    );
    if (result.kind !== "created") throw new Error(result.kind);
  }
});
