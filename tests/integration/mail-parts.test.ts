// Every kind of mail the site sends, built for real (the outbox, the sender, nodemailer, a real
// SMTP server) and read back as a mail client does (mailparser): the text part is the reader's
// text (`a < b && c`, never `a &#x3C; b …`), the HTML part escapes it and shows the same words,
// and every mail carries List-Unsubscribe with RFC 8058's one-click POST. On SQLite and
// PostgreSQL.
import { parseFragment } from "parse5";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ParsedMail } from "mailparser";
import { createComment } from "@/lib/comments/store";
import { recordNewComment } from "@/lib/mail/notifications";
import { enqueue } from "@/lib/mail/outbox";
import { sendDue } from "@/lib/mail/sender";
import { readUnsubscribeToken, subscribe } from "@/lib/mail/subscriptions";
import { commentPath } from "@/lib/routes";
import { providers, withDatabase } from "../support/databases";
import { startMailbox, type TestMailbox } from "../support/smtp";

// Before lib/content/articles.ts reads it: titles come from an article whose title and
// description hold the characters HTML escapes.
vi.hoisted(() => {
  process.env.CONTENT_DIR = "tests/fixtures/content-mail";
});
const SLUG = "tips-and-tricks";
const TITLE = "Tips & <tricks>";
const NAME = "Ann & <Bob>";
const BODY = `a < b && c\n\n> "quoted" & 'kept'\n\n- x<y\n- [a link](https://example.org/?a=1&b=2)`;

/** A header as received, its folded lines joined. */
const header = (mail: ParsedMail, key: string) =>
  mail.headerLines.find((h) => h.key === key)?.line.replace(/\r?\n\s+/g, "") ?? null;

/** What a browser shows of the HTML part: its text, entities read, spaces as they come. */
function shown(html: string): string {
  type Node = { nodeName: string; value?: string; childNodes?: Node[] };
  const walk = (node: Node): string =>
    node.nodeName === "#text" ? node.value! : (node.childNodes ?? []).map(walk).join(" ");
  return walk(parseFragment(html) as Node).replace(/\s+/g, " ");
}

describe.each(providers)("every mail's two parts on %s", (name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  let mailbox: TestMailbox;
  let clock = Date.now();
  const later = (ms: number) => new Date((clock += ms));
  const port = name === "SQLite" ? 8561 : 8562;

  beforeAll(async () => {
    if (skipReason) return;
    mailbox = await startMailbox(port);
    vi.stubEnv("SMTP_URL", mailbox.url);
    vi.stubEnv("MAIL_FROM", "Marginalia <mail@marginalia.example>");
    vi.stubEnv("AUTHOR_EMAIL", "author@example.org");
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await mailbox?.stop();
  });

  /** A confirmation, then, once confirmed, a reply notification, the author's mail and a new-article mail. */
  async function sendEveryKind(): Promise<Record<"confirm" | "reply" | "author" | "article", ParsedMail>> {
    const follow = (kind: "discussion" | "articles", target: string) =>
      database.db.$transaction((tx) =>
        subscribe(tx as never, { email: "reader@example.org", kind, target }, later(1000)),
      );
    const { subscriberId } = await follow("discussion", SLUG);
    await follow("articles", "");
    await sendDue(database.db, later(1000));
    const [confirm] = await mailbox.waitFor(1);
    await database.db.subscriber.update({ where: { id: subscriberId! }, data: { confirmedAt: later(1000) } });

    const now = later(1000);
    const event = {
      slug: SLUG,
      answers: null,
      name: NAME,
      body: BODY,
      status: "published" as const,
      browserId: "b-ann",
    };
    const created = await createComment(
      {
        ...event,
        parentId: null,
        onCreated: (tx, id) => recordNewComment(tx, { id, ...event }, now),
      },
      database.db,
      now,
    );
    if (created.kind !== "created") throw new Error(created.kind);
    const articles = await database.db.subscription.findFirstOrThrow({ where: { kind: "articles" } });
    await enqueue(
      database.db,
      { kind: "article", subscriberId, payload: { slug: SLUG, subscriptionId: articles.id } },
      later(1000),
    );
    await sendDue(database.db, later(3_600_000));
    const mails = await mailbox.waitFor(4);
    const by = (subject: RegExp) => mails.find((mail) => subject.test(mail.subject ?? ""))!;
    return {
      confirm,
      reply: by(/ replied on /),
      author: by(/^New comment by /),
      article: by(/^New on /),
    };
  }

  it.skipIf(skipReason)(
    "say the reader's words in the text part and escape them in the HTML part; every mail can be stopped in one click",
    async () => {
      const mails = await sendEveryKind();
      for (const [kind, mail] of Object.entries(mails)) {
        expect(header(mail, "content-type"), kind).toMatch(/multipart\/alternative/);
        // No character reference, in any form, anywhere in the text part.
        expect(mail.text, kind).not.toMatch(/&(#x?[0-9a-f]+|[a-z]+);/i);
        expect(mail.html, kind).toMatch(/^<!doctype html>/);
      }

      // The reader's comment: their text in one part, escaped and shown as typed in the other.
      for (const kind of ["reply", "author"] as const) {
        const mail = mails[kind];
        expect(mail.text, kind).toContain(BODY);
        expect(mail.html, kind).toContain("<p>a &#x3C; b &#x26;&#x26; c</p>");
        expect(mail.html, kind).toContain("<strong>Ann &amp; &lt;Bob&gt;</strong>");
        expect(mail.html, kind).toContain('<a href="https://example.org/?a=1&#x26;b=2"');
        expect(shown(mail.html as string), kind).toContain("a < b && c");
        expect(shown(mail.html as string), kind).toContain(`"quoted" & 'kept'`);
      }
      expect(mails.reply.subject).toBe(`${NAME} replied on “${TITLE}”`);
      expect(mails.reply.text).toMatch(
        new RegExp(`^Ann & <Bob> replied on Tips & <tricks> \\(https?://[^)]+${commentPath(SLUG, "")}[^)]+\\):`),
      );
      expect(mails.author.text).toMatch(/^Hide: https?:\/\/\S+\/email\/moderate\?t=\S+$/m);

      // The article's title and description, as written in its front matter.
      expect(mails.article.subject).toBe(`New on Marginalia: ${TITLE}`);
      expect(mails.article.text).toContain(`${TITLE} (`);
      expect(mails.article.text).toContain(`When a < b && c, say "so": it's fine.`);
      expect(mails.article.html).toContain("Tips &amp; &lt;tricks&gt;</a></h1>");
      expect(mails.article.html).toContain("When a &lt; b &amp;&amp; c, say &quot;so&quot;: it&#x27;s fine.");

      expect(mails.confirm.text).toMatch(/^Someone, probably you, asked Marginalia \(https?:\/\/\S+\) to send mail/);
      expect(mails.confirm.text).toMatch(
        /^Confirm your address \(within 72 hours\): https?:\/\/\S+\/email\/confirm\?t=/m,
      );

      // List-Unsubscribe on every mail, with the one-click POST; what it stops, by kind (the author's: pauses).
      const stops = { confirm: "never", reply: "one", article: "one", author: "author" } as const;
      for (const [kind, target] of Object.entries(stops)) {
        const mail = mails[kind as keyof typeof stops];
        expect(header(mail, "list-unsubscribe-post"), kind).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
        const url = /<([^>]+)>/.exec(header(mail, "list-unsubscribe") ?? "")?.[1] ?? "";
        expect(url, kind).toMatch(/\/email\/one-click\?t=/);
        expect(readUnsubscribeToken(new URL(url).searchParams.get("t")), kind).toMatchObject({ kind: target });
      }
    },
  );
});
