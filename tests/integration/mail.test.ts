// Mail end to end below the browser: comments queue mails in their own transaction, the sender
// delivers them to a real SMTP server (smtp-server on a local port), and we read them back with
// mailparser. Every case runs on SQLite and on PostgreSQL.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createComment } from "@/lib/comments/store";
import { recordNewComment } from "@/lib/mail/notifications";
import { confirmAddress, readUnsubscribeToken, unsubscribe, redeemMailToken } from "@/lib/mail/subscriptions";
import { emailSchema } from "@/lib/mail/schema";
import { createDb } from "@/lib/server/db";
import { claimDue, leaseMs } from "@/lib/mail/outbox";
import { sendDue, webhookSignature } from "@/lib/mail/sender";
import { createHmac } from "node:crypto";
import http from "node:http";
import { providers, withDatabase } from "../support/databases";
import { startMailbox, type TestMailbox } from "../support/smtp";
import { commentPath } from "@/lib/routes";

const seconds = (n: number) => n * 1000;

describe.each(providers)("mail on %s", (name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  let mailbox: TestMailbox;
  let article = 0;
  let clock = Date.now();
  const nextSlug = () => `mail-article-${++article}`;
  /** Time moves on by `ms` (past batching windows and backoffs) without waiting for it. */
  const later = (ms: number) => new Date((clock += ms));
  const port = name === "SQLite" ? 8531 : 8532;

  async function post(
    slug: string,
    author: string,
    options: { parentId?: string; email?: string; browserId?: string; body?: string } = {},
  ) {
    const now = later(1000);
    const body = options.body ?? `${author} says hi`;
    const result = await createComment(
      {
        slug,
        name: author,
        body,
        status: "published",
        parentId: options.parentId ?? null,
        browserId: options.browserId ?? `browser-of-${author}`,
        onCreated: (tx, id) =>
          recordNewComment(
            tx,
            {
              id,
              slug,
              answers: options.parentId ?? null,
              name: author,
              body,
              status: "published",
              browserId: options.browserId ?? `browser-of-${author}`,
              notifyEmail: options.email ? emailSchema.parse(options.email) : null,
            },
            now,
          ),
      },
      database.db,
      now,
    );
    if (result.kind !== "created") throw new Error(result.kind);
    return result.id;
  }

  /** Runs the sender as if `ms` had passed, and returns the mails received so far. */
  async function send(ms = seconds(600)) {
    await sendDue(database.db, later(ms));
    return mailbox.mails;
  }

  const linkIn = (text: string, path: string) => {
    const match = new RegExp(`https?://[^\\s"]*${path}\\?t=[^\\s"<]+`).exec(text);
    if (!match) throw new Error(`no ${path} link in:\n${text}`);
    return new URL(match[0]);
  };

  async function confirmedSubscriber(slug: string, email: string) {
    const id = await post(slug, "Ada", { email, body: `Ada, who is ${email}` });
    await send();
    const confirmation = mailbox.to(email).at(-1)!;
    const link = linkIn(confirmation.text!, "/email/confirm");
    expect(await confirmAddress(database.db, link.searchParams.get("t")!, later(1000))).toBe("ok");
    mailbox.mails.length = 0;
    return id;
  }

  beforeAll(async () => {
    if (skipReason) return;
    mailbox = await startMailbox(port);
    process.env.SMTP_URL = mailbox.url;
    process.env.MAIL_FROM = "Marginalia <mail@marginalia.example>";
    process.env.REPLY_BATCH_SECONDS = "120";
    process.env.MAIL_RETRY_SECONDS = "5";
  });
  afterAll(async () => {
    await mailbox?.stop();
    for (const key of ["SMTP_URL", "MAIL_FROM", "REPLY_BATCH_SECONDS", "MAIL_RETRY_SECONDS", "AUTHOR_EMAIL"])
      delete process.env[key];
  });
  beforeEach(() => {
    if (mailbox) mailbox.mails.length = 0;
  });

  describe.skipIf(skipReason)("reply notifications", () => {
    it("sends one confirmation mail, nothing else before the link is clicked, and the link works once", async () => {
      const slug = nextSlug();
      const ada = await post(slug, "Ada", { email: "Ada@Example.org" });
      await post(slug, "Ada", { email: "ada@example.org", body: "Again, same address" });
      await post(slug, "Grace", { parentId: ada });
      const mails = await send();
      expect(mails).toHaveLength(1);
      expect(mails[0].subject).toBe("Confirm your address for Marginalia");
      expect(mails[0].to).toMatchObject({ text: "ada@example.org" });
      const token = linkIn(mails[0].text!, "/email/confirm").searchParams.get("t")!;
      expect(await confirmAddress(database.db, token, later(1000))).toBe("ok");
      expect(await confirmAddress(database.db, token, later(1000))).toBe("used");
      // Grace's reply came before the confirmation: not announced afterwards either.
      expect(await send()).toHaveLength(1);
    });

    it("tells a confirmed reader of a reply: who, their own comment and the reply's text in both parts, the permalink, how to stop", async () => {
      const slug = nextSlug();
      const ada = await confirmedSubscriber(slug, "reader1@example.org");
      const reply = await post(slug, "Grace <b>", {
        parentId: ada,
        body: "**Agreed**. <script>alert(1)</script> [see](javascript:alert(1))",
      });
      const [mail] = await send();
      expect(mailbox.mails).toHaveLength(1);
      expect(mail.subject).toBe(`Grace <b> replied on “${slug}”`);
      expect(mail.html).toContain("<strong>Agreed</strong>");
      expect(mail.html).not.toContain("<script");
      expect(mail.html).not.toContain("javascript:");
      expect(mail.html).toContain("Grace &lt;b&gt;");
      // The text part: the reply's markdown as written, below Ada's own comment quoted.
      expect(mail.text).toContain("Your comment:\n> Ada, who is reader1@example.org\n\n**Agreed**.");
      expect(mail.text).toMatch(/^Read and reply: \S+$/m);
      expect(mail.text).toContain(commentPath(slug, reply));
      const header = (key: string) => mail.headerLines.find((h) => h.key === key)?.line.replace(/\r?\n\s+/g, "");
      expect(header("list-unsubscribe-post")).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
      const oneClick = /<([^>]+)>/.exec(header("list-unsubscribe") ?? "")?.[1] ?? "";
      expect(oneClick).toMatch(/\/email\/one-click\?t=/);
      // The one-click link stops this discussion; the next reply sends nothing.
      const target = readUnsubscribeToken(new URL(oneClick).searchParams.get("t"));
      expect(await unsubscribe(database.db, target!)).toBe("done");
      await post(slug, "Linus", { parentId: ada });
      expect(await send()).toHaveLength(1);
    });

    it("sends several replies within the batching window as one mail, and none for one's own reply", async () => {
      const slug = nextSlug();
      const ada = await confirmedSubscriber(slug, "reader2@example.org");
      await post(slug, "Ada", { parentId: ada, browserId: "browser-of-Ada" });
      for (const who of ["Grace", "Linus", "Ken"]) await post(slug, who, { parentId: ada });
      const mails = await send();
      expect(mails).toHaveLength(1);
      expect(mails[0].subject).toBe(`3 new replies on “${slug}”`);
      for (const who of ["Grace", "Linus", "Ken"]) expect(mails[0].text).toContain(`${who} replied`);
      expect(mails[0].text).not.toContain("Ada replied");
    });

    it("unsubscribing from everything deletes the address and its queued mails", async () => {
      const slug = nextSlug();
      const ada = await confirmedSubscriber(slug, "reader3@example.org");
      await post(slug, "Grace", { parentId: ada });
      const subscriber = await database.db.subscriber.findUniqueOrThrow({ where: { email: "reader3@example.org" } });
      expect(await unsubscribe(database.db, { kind: "all", id: subscriber.id })).toBe("done");
      expect(await database.db.subscriber.count({ where: { email: "reader3@example.org" } })).toBe(0);
      expect(await send()).toHaveLength(0);
    });
  });

  describe.skipIf(skipReason)("delivery", () => {
    it("keeps every notification while SMTP is away and delivers each once when it is back", async () => {
      const slugs = [nextSlug(), nextSlug(), nextSlug()];
      const roots = [];
      for (const [i, slug] of slugs.entries()) roots.push(await confirmedSubscriber(slug, `storm${i}@example.org`));
      await mailbox.stop();
      for (const [i, slug] of slugs.entries())
        for (let n = 0; n < 4; n++) await post(slug, `Replier ${n}`, { parentId: roots[i] });
      await send();
      await send(seconds(10));
      const failing = await database.db.outboxMessage.findMany({
        where: { kind: "reply", status: "queued", lastError: { not: null } },
      });
      expect(failing.length).toBe(3);
      await mailbox.start();
      await send(seconds(3600));
      expect(mailbox.mails).toHaveLength(3);
      for (const i of [0, 1, 2]) expect(mailbox.to(`storm${i}@example.org`)[0].text).toContain("Replier 3 replied");
      await send(seconds(3600));
      expect(mailbox.mails).toHaveLength(3);
    });

    it("keeps replies gathered by a failed attempt when a newer reply leads the next one", async () => {
      const slug = nextSlug();
      const ada = await confirmedSubscriber(slug, "gathered@example.org");
      process.env.REPLY_BATCH_SECONDS = "0";
      process.env.MAIL_RETRY_SECONDS = "100000";
      await mailbox.stop();
      // One attempt gathers two replies and fails (the next one a day later); a third reply is due first.
      await post(slug, "Grace", { parentId: ada, body: "First reply" });
      await post(slug, "Linus", { parentId: ada, body: "Second reply" });
      await send(0);
      await post(slug, "Alan", { parentId: ada, body: "Third reply" });
      await mailbox.start();
      await send(0);
      process.env.REPLY_BATCH_SECONDS = "120";
      process.env.MAIL_RETRY_SECONDS = "5";
      const text = mailbox
        .to("gathered@example.org")
        .map((m) => m.text)
        .join("\n");
      for (const reply of ["First reply", "Second reply", "Third reply"]) expect(text).toContain(reply);
      expect(mailbox.mails).toHaveLength(1);
    });

    it("resends a mail whose sender crashed after SMTP took it with the same Message-ID, and only then", async () => {
      const slug = nextSlug();
      const ada = await confirmedSubscriber(slug, "crash@example.org");
      await post(slug, "Grace", { parentId: ada });
      // A sender claims the reply and dies before sending or marking it.
      const [claimed] = await claimDue(database.db, later(seconds(600)));
      expect(claimed.status).toBe("sending");
      // Within the lease nobody else sends it; after it, one sender does.
      expect(await send(seconds(1))).toHaveLength(0);
      await send(leaseMs());
      expect(mailbox.mails).toHaveLength(1);
      expect(mailbox.mails[0].messageId).toBe(claimed.messageId);
    });

    it("two senders on one outbox send each mail exactly once", async () => {
      const other = createDb(database.url);
      try {
        const slug = nextSlug();
        const roots = [];
        for (let i = 0; i < 6; i++) roots.push(await confirmedSubscriber(slug, `pair${i}@example.org`));
        for (const [i, root] of roots.entries()) await post(slug, "Grace", { parentId: root, body: `Reply ${i}` });
        const when = later(seconds(600));
        await Promise.all([sendDue(database.db, when), sendDue(other, when)]);
        expect(mailbox.mails).toHaveLength(6);
        expect(new Set(mailbox.mails.map((m) => m.messageId)).size).toBe(6);
      } finally {
        await other.$disconnect();
      }
    });

    it("never lets a name or body add a header", async () => {
      const slug = nextSlug();
      const ada = await confirmedSubscriber(slug, "headers@example.org");
      const name = "Eve\r\nBcc: victim@example.org\r\nSubject: pwned " + "é".repeat(200);
      await post(slug, name, {
        parentId: ada,
        body: "line\r\nBcc: victim@example.org\r\n\r\n<img src=x onerror=alert(1)>",
      });
      const [mail] = await send();
      expect(mail.bcc).toBeUndefined();
      expect(mail.headers.get("bcc")).toBeUndefined();
      expect(mail.subject).toContain("Eve");
      expect(mail.subject).not.toMatch(/^pwned/);
      expect(mailbox.raw.at(-1)).not.toMatch(/^Bcc:/im);
      expect(
        mailbox.raw
          .at(-1)!
          .split(/\r?\n/)
          .every((line) => line.length <= 998),
      ).toBe(true);
      // The body's HTML arrives as text, escaped.
      expect(mail.html).not.toMatch(/<img/i);
    });

    it("limits mails per recipient: a flood waits instead of arriving", async () => {
      process.env.MAIL_RATE_PER_RECIPIENT_HOUR = "2";
      try {
        const slug = nextSlug();
        const ada = await confirmedSubscriber(slug, "flood@example.org");
        for (let n = 0; n < 4; n++) {
          await post(slug, `Flooder ${n}`, { parentId: ada });
          await send(seconds(600));
        }
        // The confirmation counted as one: one more reply mail went out, the rest wait.
        expect(mailbox.to("flood@example.org").length).toBeLessThanOrEqual(2);
        expect(
          await database.db.outboxMessage.count({ where: { kind: "reply", status: "queued", lastError: null } }),
        ).toBeGreaterThan(0);
      } finally {
        delete process.env.MAIL_RATE_PER_RECIPIENT_HOUR;
      }
    });
  });
  describe.skipIf(skipReason)("the author", () => {
    it("gets a mail per new comment whose moderation links work once", async () => {
      process.env.AUTHOR_EMAIL = "author@example.org";
      try {
        const slug = nextSlug();
        const id = await post(slug, "Mallory", { body: "Buy *cheap* things" });
        const [mail] = await send();
        expect(mail.to).toMatchObject({ text: "author@example.org" });
        expect(mail.subject).toBe(`New comment by Mallory on “${slug}”`);
        expect(mail.html).toContain("<em>cheap</em>");
        const hide = linkIn(mail.text!, "/email/moderate").searchParams.getAll("t");
        const hideLink = [...mail.text!.matchAll(/Hide: (\S+)/g)][0][1];
        expect(hide.length).toBeGreaterThan(0);
        const token = new URL(hideLink).searchParams.get("t")!;
        const used = await redeemMailToken(database.db, token, later(1000));
        expect(used).toMatchObject({ kind: "ok", purpose: "hide", subject: id });
        expect(await redeemMailToken(database.db, token, later(1000))).toEqual({ kind: "used" });
      } finally {
        delete process.env.AUTHOR_EMAIL;
      }
    });

    it("posts a signed webhook, retried until the receiver answers", async () => {
      const received: { body: string; signature: string | undefined }[] = [];
      let answer = 500;
      const receiver = http.createServer((request, response) => {
        let body = "";
        request.on("data", (chunk: Buffer) => (body += chunk.toString()));
        request.on("end", () => {
          received.push({ body, signature: request.headers["x-marginalia-signature"] as string | undefined });
          response.writeHead(answer).end();
        });
      });
      const hookPort = name === "SQLite" ? 8551 : 8552;
      await new Promise<void>((resolve) => receiver.listen(hookPort, "127.0.0.1", resolve));
      process.env.WEBHOOK_URL = `http://127.0.0.1:${hookPort}/hook`;
      process.env.WEBHOOK_SECRET = "webhook-secret-0123456789";
      try {
        await post(nextSlug(), "Hooked", { body: "Hello hook" });
        await send(seconds(1));
        expect(received).toHaveLength(1);
        answer = 200;
        await send(seconds(60));
        expect(received).toHaveLength(2);
        expect(received[1].body).toBe(received[0].body);
        const expected = `sha256=${createHmac("sha256", "webhook-secret-0123456789").update(received[1].body).digest("hex")}`;
        expect(received[1].signature).toBe(expected);
        expect(webhookSignature(received[1].body, "webhook-secret-0123456789")).toBe(expected);
        expect(JSON.parse(received[1].body)).toMatchObject({
          type: "comment.created",
          comment: { author: "Hooked", body: "Hello hook" },
        });
        await send(seconds(3600));
        expect(received).toHaveLength(2);
      } finally {
        delete process.env.WEBHOOK_URL;
        delete process.env.WEBHOOK_SECRET;
        await new Promise((resolve) => receiver.close(resolve));
      }
    });
  });
});
