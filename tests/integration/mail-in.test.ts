// Reply by email (issue 32), with real SMTP both ways: the site's notification goes out through
// the outbox to a local SMTP sink (smtp-server, read back with mailparser), and the reader's reply
// goes back with nodemailer to the site's own listener (lib/mail-in/listener.ts), which posts it
// through the comment service as a reply to the comment the mail was about, under the name of
// whom the signed Reply-To names, never the From header's. On SQLite and PostgreSQL. Real mail,
// as clients wrote it (tests/fixtures/mail-in/real/, SOURCES.md says where each comes from), is
// handed to the listener as a relay would: the message untouched, the envelope recipient a live
// reply address. On PostgreSQL, two instances (two listeners, two Prisma clients) take one mail.
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import nodemailer, { type SendMailOptions } from "nodemailer";
import type { ParsedMail } from "mailparser";
import type { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createComment } from "@/lib/comments/store";
import { createDb } from "@/lib/server/db";
import { recordNewComment } from "@/lib/mail/notifications";
import { sendDue } from "@/lib/mail/sender";
import { createInboundServer, type Delivery } from "@/lib/mail-in/listener";
import { site } from "@/lib/site";
import { providers, withDatabase } from "../support/databases";
import { startMailbox, type TestMailbox } from "../support/smtp";

vi.hoisted(() => {
  process.env.CONTENT_DIR = "tests/fixtures/content-mail";
});
const SLUG = "tips-and-tricks";
const ADA = "ada@example.org";
const AUTHOR = "author@example.org";
const fixture = (name: string, reply: string) =>
  fs.readFileSync(`tests/fixtures/mail-in/${name}`, "utf8").replace("{{reply}}", reply);

describe.each(providers)("replies by mail on %s", (name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  let outgoing: TestMailbox;
  let listener: SMTPServer;
  let inboundPort = 0;
  const deliveries: Delivery[] = [];
  let threads = 0;
  let clock = Date.now();
  const now = () => new Date(clock);
  const later = (ms: number) => new Date((clock += ms));

  beforeAll(async () => {
    if (skipReason) return;
    outgoing = await startMailbox(name === "SQLite" ? 4403 : 4404);
    vi.stubEnv("SMTP_URL", outgoing.url);
    vi.stubEnv("MAIL_FROM", "Marginalia <mail@marginalia.example>");
    vi.stubEnv("AUTHOR_EMAIL", AUTHOR);
    vi.stubEnv("MAIL_REPLY_DOMAIN", "reply.marginalia.example");
    vi.stubEnv("REPLY_BATCH_SECONDS", "0");
    vi.stubEnv("COMMENT_RATE_PER_MINUTE", "100");
    vi.stubEnv("COMMENT_RATE_PER_HOUR", "1000");
    vi.stubEnv("MAIL_RATE_PER_RECIPIENT_HOUR", "1000");
    vi.stubEnv("SMTP_INBOUND_MAX_BYTES", String(1_000_000));
    listener = createInboundServer({ db: () => database.db, now, onDelivered: (d) => deliveries.push(d) });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    inboundPort = (listener.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await outgoing?.stop();
    await new Promise<void>((resolve) => (listener ? listener.close(() => resolve()) : resolve()));
  });

  /** A comment as the form stores one, with what it sets off; then the outbox sent. */
  async function post(author: string, body: string, options: { parentId?: string; email?: string } = {}) {
    const at = later(1000);
    const event = { slug: SLUG, answers: options.parentId ?? null, name: author, body, status: "published" as const };
    const created = await createComment(
      {
        ...event,
        parentId: options.parentId ?? null,
        browserId: `browser-of-${author}`,
        onCreated: (tx, id) =>
          recordNewComment(
            tx,
            { id, ...event, browserId: `browser-of-${author}`, notifyEmail: options.email ?? null },
            at,
          ),
      },
      database.db,
      at,
    );
    if (created.kind !== "created") throw new Error(created.kind);
    await sendDue(database.db, later(1000));
    return created.id;
  }

  /** Ada's confirmed comment, Grace's reply to it, and the notification Ada received. */
  async function notification(): Promise<{ ada: string; grace: string; mail: ParsedMail }> {
    const n = ++threads;
    const ada = await post("Ada", `Monoliths are fine (${n}).`, { email: ADA });
    // Confirmed as its link would (tests/integration/mail.test.ts follows the link itself).
    await database.db.subscriber.updateMany({
      where: { email: ADA, confirmedAt: null },
      data: { confirmedAt: later(1000) },
    });
    const before = outgoing.to(ADA).length;
    const grace = await post("Grace", `I disagree, politely (${n}).`, { parentId: ada });
    await outgoing.waitFor(outgoing.mails.length);
    const mail = outgoing.to(ADA)[before];
    expect(mail.subject).toBe(`Grace replied on “Tips & <tricks>”`);
    return { ada, grace, mail };
  }

  const replyToOf = (mail: ParsedMail) => mail.replyTo!.value[0].address!;

  /** Sends a mail to a listener (the site's, unless told) as a mail server would; resolves with its outcome. */
  async function send(
    message: SendMailOptions,
    listening: { port: number; log: Delivery[] } = { port: inboundPort, log: deliveries },
  ): Promise<Delivery | undefined> {
    const count = listening.log.length;
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: listening.port,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await transport.sendMail({ subject: "Re: your notification", ...message });
    } finally {
      transport.close();
    }
    return listening.log[count];
  }

  /** A real mail handed on by a relay: the message as the client wrote it, only the envelope's recipient is ours. */
  const relay = (raw: string, to: string, from = ADA) => send({ envelope: { from, to: [to] }, raw });

  const bodyOf = async (delivery: Delivery | undefined) =>
    (
      await database.db.comment.findUniqueOrThrow({
        where: { id: (delivery!.received as { commentId: string }).commentId },
      })
    ).body;

  it.skipIf(skipReason)(
    "posts a reader's reply under their name as a reply to the comment answered, without the quote (Gmail)",
    async () => {
      const { grace, mail } = await notification();
      const to = replyToOf(mail);
      expect(to).toMatch(/^reply\+[0-9a-f]{20}-[0-9a-f]{20}@reply\.marginalia\.example$/);
      expect(mail.text).toContain("Reply to this mail to answer");
      const delivery = await send({ from: ADA, to, text: fixture("gmail.txt", "Fair: a < b && c, though.") });
      expect(delivery?.received).toMatchObject({ kind: "posted", pending: false });
      const comment = await database.db.comment.findUniqueOrThrow({
        where: { id: (delivery!.received as { commentId: string }).commentId },
      });
      expect(comment).toMatchObject({ authorName: "Ada", body: "Fair: a < b && c, though.", byAuthor: false });
      expect(comment.parentId).toBe(grace);
    },
  );

  it.skipIf(skipReason).each([
    ["Apple Mail", "apple-mail.txt", "text"],
    ["Outlook", "outlook.txt", "text"],
    ["Gmail, HTML only", "gmail.html", "html"],
  ] as const)("keeps only the reply's own words from %s", async (_client, file, part) => {
    const { mail } = await notification();
    const words = `Thanks **Grace**, ${file}.`;
    const body = fixture(file, part === "html" ? words.replace(/\*\*Grace\*\*/, "<b>Grace</b>") : words);
    const delivery = await send({ from: ADA, to: replyToOf(mail), [part]: body });
    const id = (delivery!.received as { commentId: string }).commentId;
    expect((await database.db.comment.findUniqueOrThrow({ where: { id } })).body).toBe(words);
  });

  it.skipIf(skipReason)(
    "trusts the address, not the From header: a forged From posts as whom the mail was for",
    async () => {
      const { mail } = await notification();
      const delivery = await send({ from: `"${site.author.name}" <${AUTHOR}>`, to: replyToOf(mail), text: "Forged?" });
      const id = (delivery!.received as { commentId: string }).commentId;
      expect(await database.db.comment.findUniqueOrThrow({ where: { id } })).toMatchObject({
        authorName: "Ada",
        byAuthor: false,
      });
    },
  );

  it.skipIf(skipReason)("refuses an altered, a made-up and an expired address during the SMTP dialogue", async () => {
    const { mail } = await notification();
    const to = replyToOf(mail);
    const altered = to.replace(/-([0-9a-f])/, (_, c: string) => `-${c === "0" ? "1" : "0"}`);
    for (const address of [
      altered,
      "reply+00000000000000000000-00000000000000000000@reply.marginalia.example",
      "postmaster@reply.marginalia.example",
    ]) {
      await expect(send({ from: ADA, to: address, text: "Hello" })).rejects.toMatchObject({ responseCode: 550 });
    }
    later(31 * 24 * 3_600_000);
    await expect(send({ from: ADA, to, text: "Too late" })).rejects.toMatchObject({
      responseCode: 550,
      response: expect.stringContaining("expired"),
    });
  });

  it.skipIf(skipReason)("ignores auto-replies and posts one comment for a mail delivered twice", async () => {
    const { mail } = await notification();
    const to = replyToOf(mail);
    const count = () => database.db.comment.count({ where: { authorName: "Ada" } });
    const before = await count();
    for (const headers of [{ "Auto-Submitted": "auto-replied" }, { Precedence: "bulk" }, { "X-Autoreply": "yes" }]) {
      expect((await send({ from: ADA, to, text: "I am away.", headers }))?.received.kind).toBe("ignored");
    }
    // A bounce is known by its envelope (no sender), whatever its headers say.
    expect((await send({ envelope: { from: "", to: [to] }, from: ADA, to, text: "Undelivered." }))?.received).toEqual({
      kind: "ignored",
      reason: "a bounce (no envelope sender)",
    });
    expect((await send({ from: ADA, to, subject: "Out of Office: back Monday", text: "Away." }))?.received.kind).toBe(
      "ignored",
    );
    // The site's own notification, forwarded back: a loop.
    expect((await send({ from: "Marginalia <mail@marginalia.example>", to, text: "Loop" }))?.received.kind).toBe(
      "ignored",
    );
    const twice = { from: ADA, to, text: "Once only.", messageId: "<twice@mail.example>" };
    expect((await send(twice))?.received.kind).toBe("posted");
    expect((await send(twice))?.received.kind).toBe("ignored");
    expect(await count()).toBe(before + 1);
  });

  it.skipIf(skipReason)("refuses a mail over the size limit (a 20 MB mail), counting the bytes read", async () => {
    const { mail } = await notification();
    await expect(
      send({
        from: ADA,
        to: replyToOf(mail),
        text: "x",
        attachments: [{ filename: "big.bin", content: Buffer.alloc(20_000_000) }],
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
  });

  it.skipIf(skipReason)(
    "drops attachments with a note, and tells the sender (at their address) when a reply is held",
    async () => {
      vi.stubEnv("COMMENTS_MODERATION", "pre");
      try {
        const { mail } = await notification();
        const before = outgoing.to(ADA).length;
        const delivery = await send({
          from: "someone-else@example.net",
          to: replyToOf(mail),
          text: "See the picture.",
          attachments: [{ filename: "a.png", content: Buffer.from("png") }],
        });
        expect(delivery?.received).toMatchObject({ kind: "posted", pending: true });
        const id = (delivery!.received as { commentId: string }).commentId;
        expect((await database.db.comment.findUniqueOrThrow({ where: { id } })).body).toBe(
          "See the picture.\n\n_(An attachment left out.)_",
        );
        // Queued in the outbox, sent by its sender like every other mail.
        await sendDue(database.db, later(1000));
        const [told] = outgoing.to(ADA).slice(before);
        expect(told.subject).toBe("Your reply is awaiting approval on Marginalia");
        expect(told.text).toContain("See the picture.");
        expect(outgoing.to("someone-else@example.net")).toHaveLength(0);
      } finally {
        vi.stubEnv("COMMENTS_MODERATION", "post");
      }
    },
  );

  it.skipIf(skipReason)("lets the author answer as the author, and moderate with a one-word reply", async () => {
    vi.stubEnv("COMMENTS_MODERATION", "pre");
    let spam: string;
    try {
      spam = await post("Spammer", "Buy now");
    } finally {
      vi.stubEnv("COMMENTS_MODERATION", "post");
    }
    const authorMail = outgoing.to(AUTHOR).find((m) => m.text?.includes("Buy now"))!;
    expect(authorMail.text).toContain("Reply to this mail to answer as the author");
    const approve = await send({ from: AUTHOR, to: replyToOf(authorMail), text: fixture("gmail.txt", "Approve") });
    expect(approve?.received).toEqual({ kind: "moderated", action: "approve", done: true });
    expect((await database.db.comment.findUniqueOrThrow({ where: { id: spam } })).status).toBe("published");

    await post("Linus", "A question for the author?");
    const question = outgoing.to(AUTHOR).find((m) => m.text?.includes("A question for the author?"))!;
    const answer = await send({ from: "forged@example.net", to: replyToOf(question), text: "Here is my answer." });
    const id = (answer!.received as { commentId: string }).commentId;
    expect(await database.db.comment.findUniqueOrThrow({ where: { id } })).toMatchObject({
      authorName: site.author.name,
      byAuthor: true,
      body: "Here is my answer.",
    });
  });

  it.skipIf(skipReason)(
    "keeps the mail telling a sender their reply was refused while SMTP is away, and sends it once back",
    async () => {
      const { mail } = await notification();
      const before = outgoing.to(ADA).length;
      await outgoing.stop();
      try {
        // Only the quote: nothing of their own once it is removed.
        const delivery = await send({ from: ADA, to: replyToOf(mail), text: fixture("gmail.txt", "") });
        expect(delivery?.received.kind).toBe("refused");
        await sendDue(database.db, later(1000));
        const waiting = await database.db.outboxMessage.findMany({
          where: { kind: "notice", status: "queued", lastError: { not: null } },
        });
        expect(waiting).toHaveLength(1);
      } finally {
        await outgoing.start();
      }
      await sendDue(database.db, later(2 * 3_600_000));
      await sendDue(database.db, later(2 * 3_600_000));
      const told = outgoing.to(ADA).slice(before);
      expect(told.map((m) => m.subject)).toEqual(["Your reply was not posted on Marginalia"]);
      expect(told[0].text).toContain("Your reply was empty once the quoted mail was removed.");
    },
  );

  // Real replies (tests/fixtures/mail-in/real/SOURCES.md): what each must post, or that it is ignored.
  const LOREM = [
    "Fusce bibendum, quam hendrerit sagittis tempor, dui turpis tempus erat, pharetra sodales ante sem sit amet metus.",
    "Nulla malesuada, orci non vulputate lobortis, massa felis pharetra ex, convallis consectetur ex libero eget ante.",
    "Nam vel turpis posuere, rhoncus ligula in, venenatis orci. Duis interdum venenatis ex a rutrum.",
    "Duis ut libero eu lectus consequat consequat ut vel lorem. Vestibulum convallis lectus urna,",
    "et mollis ligula rutrum quis. Fusce sed odio id arcu varius aliquet nec nec nibh.",
  ].join("\n");
  const FOX = "The quick brown fox jumps over the lazy dog.";
  const REAL: [client: string, file: string, posts: string | null][] = [
    [
      "Gmail on the web",
      "discourse-gmail_web.eml",
      [
        "### This is a reply from standard GMail in Google Chrome.",
        "",
        "The quick brown fox jumps over the lazy dog. The quick brown fox jumps over",
        "the lazy dog. The quick brown fox jumps over the lazy dog. The quick brown",
        "fox jumps over the lazy dog. The quick brown fox jumps over the lazy dog.",
        "The quick brown fox jumps over the lazy dog. The quick brown fox jumps over",
        "the lazy dog. The quick brown fox jumps over the lazy dog.",
        "",
        "Here's some **bold** text in Markdown.",
        "",
        "Here's a link http://example.com",
      ].join("\n"),
    ],
    [
      "iPhone Mail",
      "discourse-ios_default.eml",
      [
        "### this is a reply from iOS default mail",
        "",
        Array(7).fill(FOX).join(" "),
        "",
        "Here's some **bold** markdown text.",
        "",
        "Here's a link http://example.com",
      ].join("\n"),
    ],
    [
      "BlackBerry, HTML only, with an Outlook-style header block",
      "discourse-html_only.eml",
      "The EC2 instance - I've seen that there tends to be odd and unrecommended settings on the Bitnami installs that I've checked out.",
    ],
    [
      "a mail with a file attached",
      "discourse-attached_txt_file.eml",
      "Please find some text file attached.\n\n_(An attachment left out.)_",
    ],
    [
      "Gmail on Android (the attribution right under the reply)",
      "discourse-android_gmail.eml",
      [
        "### this is a reply from Android 5 gmail",
        "",
        "The quick brown fox jumps over the lazy dog. The quick brown fox jumps over",
        "the lazy dog. The quick brown fox jumps over the lazy dog. The quick brown",
        "fox jumps over the lazy dog. The quick brown fox jumps over the lazy dog.",
        "The quick brown fox jumps over the lazy dog.",
        "",
        "This is **bold** in Markdown.",
        "",
        "This is a link to http://example.com",
      ].join("\n"),
    ],
    ["an auto-reply (Auto-Submitted)", "discourse-auto_reply.eml", null],
    ["a bounce (a delivery report from MAILER-DAEMON)", "discourse-bounced_email.eml", null],
    ["Gmail, an attribution split over two lines", "crisp-email_gmail_split_line_from.txt", LOREM],
    ["Gmail in Norwegian (skrev)", "crisp-email_norwegian_gmail.txt", LOREM],
    ["Apple Mail in French (a écrit)", "crisp-email_french_2.txt", LOREM],
    ["a client in German (schrieb)", "crisp-email_german.txt", LOREM],
    ["Outlook in German (Ursprüngliche Nachricht, Von:)", "crisp-email_german_outlook.txt", LOREM],
    ["Outlook on the web (rule, From: / Sent:)", "crisp-email_msn.txt", LOREM],
    ["Outlook desktop (a From: line wrapped)", "crisp-email_outlook_split_line_from.txt", LOREM],
    ["Outlook for iOS in French (Envoyé à partir de Outlook pour iOS)", "crisp-email_ios_outlook_fr.txt", LOREM],
    ["iPhone (Sent from my iPhone)", "crisp-email_iphone.txt", "Here is another email"],
  ];

  /** A fixture as a relay hands it on: an .eml as it is, a body (text only) under the headers a client writes. */
  function realMail(file: string): string {
    const text = fs.readFileSync(`tests/fixtures/mail-in/real/${file}`, "utf8");
    // Discourse's html_only.eml begins with an empty line, which no relay would pass on.
    if (file.endsWith(".eml")) return text.trimStart();
    const headers = [
      "From: Ada <ada@example.org>",
      "Subject: Re: Grace replied",
      `Message-ID: <${file}@mail.example>`,
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
    ];
    return `${headers.join("\r\n")}\r\n\r\n${text}`;
  }

  it.skipIf(skipReason).each(REAL)(
    "posts only the reader's own words from real mail: %s",
    async (_client, file, posts) => {
      // Crisp's bodies share their words, and the same words from one reader within minutes are
      // one comment (the service's double-post check): the earlier one is deleted first.
      if (posts) await database.db.comment.updateMany({ where: { body: posts }, data: { deletedAt: new Date() } });
      const { mail } = await notification();
      const delivery = await relay(realMail(file), replyToOf(mail));
      if (posts === null) return expect(delivery?.received.kind).toBe("ignored");
      expect(delivery?.received).toMatchObject({ kind: "posted" });
      expect(await bodyOf(delivery)).toBe(posts);
    },
  );

  it.skipIf(skipReason || name !== "PostgreSQL")(
    "posts one comment when two instances receive the same mail at the same time",
    async () => {
      // A second instance: its own listener and its own Prisma client to the same database.
      const client = createDb(database.url);
      const log: Delivery[] = [];
      const other = createInboundServer({ db: () => client, now, onDelivered: (d) => log.push(d) });
      await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
      try {
        const { mail } = await notification();
        const message = { from: ADA, to: replyToOf(mail), text: "Said once.", messageId: "<both@mail.example>" };
        const both = await Promise.all([
          send(message),
          send(message, { port: (other.server.address() as AddressInfo).port, log }),
        ]);
        expect(both.map((d) => d?.received.kind).sort()).toEqual(["ignored", "posted"]);
        expect(await database.db.comment.count({ where: { body: "Said once." } })).toBe(1);
      } finally {
        await new Promise<void>((resolve) => other.close(() => resolve()));
        await client.$disconnect();
      }
    },
  );
});
