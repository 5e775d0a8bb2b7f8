import "server-only";
import { createHash } from "node:crypto";
import type { ParsedMail } from "mailparser";
import { moderate, postedMessage, submitComment, type SubmitResult } from "../comments/service";
import { mailFrom } from "../mail/mail";
import { queueNotice } from "../mail/outbox";
import { wakeSender } from "../mail/sender";
import { readReplyToken, type ReplyToken } from "../mail/reply-address";
import { linkTo, unsubscribeAllToken } from "../mail/subscriptions";
import { pauseAuthorMailToken } from "../mail/author-mail";
import { renderMail, paragraph, said, comment as quote } from "../mail/body";
import { db as defaultDb, type Db } from "../server/db";
import { settings } from "../settings";
import { t } from "../i18n";
import { site } from "../site";
import { isAutomatic, replyText } from "./reply-text";

// A reply by mail becomes a comment: the signed reply address (lib/mail/reply-address.ts) says
// which comment it answers and who speaks; the From header, which anyone can write, decides
// nothing. It goes through the comment service's one door like a form's post, with every rule
// (validation, rate limit, bans, blocklists, spam score, moderation). The sender is told by mail,
// at the address the site wrote to (never the From), when their reply was refused or held: a mail
// queued in the outbox like every other, so an SMTP server away delays it but does not lose it.

export type Received =
  | { kind: "posted"; commentId: string; pending: boolean }
  | { kind: "moderated"; action: "approve" | "hide" | "delete"; done: boolean }
  /** An auto-reply, a list or a bounce, or the site's own mail come back: nothing done, nobody told. */
  | { kind: "ignored"; reason: string }
  | { kind: "refused"; reason: string };

const COMMANDS = ["approve", "hide", "delete"] as const;
type Command = (typeof COMMANDS)[number];

/** One mail's id for the service: the same mail delivered twice (two relays, two instances) posts once. */
function mailId(mail: ParsedMail, token: ReplyToken): string {
  const key = mail.messageId ?? `${mail.date?.toISOString()}\n${mail.text ?? mail.html}`;
  return `mail-${createHash("sha256").update(`${token.id}\n${key}`).digest("base64url").slice(0, 32)}`;
}

/** Whether the mail is the site's own come back (a notification forwarded to the reply address): a loop. */
function ownMail(mail: ParsedMail): boolean {
  const own = (/<([^>]+)>/.exec(mailFrom())?.[1] ?? mailFrom()).toLowerCase();
  return mail.from?.value.some((a) => a.address?.toLowerCase() === own) === true;
}

/** Handles one mail to one reply address; `remoteAddress` is the SMTP client's, counted like a reader's address. */
export async function receiveReply(
  input: { to: string; mail: ParsedMail; remoteAddress: string },
  db: Db = defaultDb(),
  now = new Date(),
): Promise<Received> {
  const check = await readReplyToken(db, input.to, now);
  if (check.kind !== "ok") return { kind: "refused", reason: `the reply address is ${check.kind}` };
  const { token } = check;
  if (isAutomatic(input.mail)) return { kind: "ignored", reason: "sent automatically" };
  if (ownMail(input.mail)) return { kind: "ignored", reason: "the site's own mail" };
  const answered = await db.comment.findFirst({ where: { id: token.commentId, deletedAt: null } });
  const { text, attachments } = replyText(input.mail);
  const speaker = await speakerOf(db, token);
  if (!speaker) return { kind: "ignored", reason: "the address it was sent to is no longer here" };
  const result = await act(db, token, {
    text,
    attachments,
    answered,
    mail: input.mail,
    ip: input.remoteAddress,
    speaker,
  });
  if (result.kind === "refused" || (result.kind === "posted" && result.pending))
    await tellSender(db, speaker, result, text, now);
  return result;
}

/** `stop`: the List-Unsubscribe of a mail back to them (stop every mail; the author's: pause). */
type Speaker = { name: string; email: string; browserId: string | null; isAuthor: boolean; stop: string };

/** Who the token says is speaking, and where to tell them: the reader's address, or AUTHOR_EMAIL. */
async function speakerOf(db: Db, token: ReplyToken): Promise<Speaker | null> {
  if (token.recipient.kind === "author") {
    const email = settings().AUTHOR_EMAIL;
    if (!email) return null;
    const stop = linkTo("/email/one-click", pauseAuthorMailToken(email));
    return { name: site.author.name, email, browserId: null, isAuthor: true, stop };
  }
  const subscriber = await db.subscriber.findUnique({ where: { id: token.recipient.subscriberId } });
  if (!subscriber?.confirmedAt) return null;
  const stop = linkTo("/email/one-click", unsubscribeAllToken(subscriber.id));
  return {
    name: token.recipient.name,
    email: subscriber.email,
    browserId: subscriber.browserId,
    isAuthor: false,
    stop,
  };
}

async function act(
  db: Db,
  token: ReplyToken,
  reply: {
    text: string;
    attachments: number;
    answered: { id: string; articleSlug: string } | null;
    mail: ParsedMail;
    ip: string;
    speaker: Speaker;
  },
): Promise<Received> {
  if (!reply.answered) return { kind: "refused", reason: t("mail.in.gone") };
  const command = reply.text.trim().toLowerCase().replace(/[.!]$/, "") as Command;
  if (reply.speaker.isAuthor && COMMANDS.includes(command)) {
    return { kind: "moderated", action: command, done: await moderate(reply.answered.id, command, db) };
  }
  if (!reply.text) return { kind: "refused", reason: t("mail.in.empty") };
  const note = reply.attachments > 0 ? `\n\n_(${t("comment.attachmentsLeftOut", { count: reply.attachments })})_` : "";
  const result = await submitComment(
    {
      slug: reply.answered.articleSlug,
      name: reply.speaker.name,
      body: reply.text + note,
      parentId: reply.answered.id,
      token: null,
    },
    {
      ip: reply.ip,
      browserId: reply.speaker.browserId,
      isAuthor: reply.speaker.isAuthor,
      mailId: mailId(reply.mail, token),
    },
    db,
  );
  return outcome(result);
}

function outcome(result: SubmitResult): Received {
  switch (result.kind) {
    case "posted":
      return result.duplicate
        ? { kind: "ignored", reason: "this mail was posted already" }
        : { kind: "posted", commentId: result.id, pending: result.pending };
    case "already-sent":
      return { kind: "ignored", reason: "this mail was posted already" };
    case "ignored":
      return { kind: "ignored", reason: "refused silently" };
    case "invalid":
      return { kind: "refused", reason: Object.values(result.errors).flat().join(" ") };
    case "refused":
      return { kind: "refused", reason: result.message };
    case "rate-limited":
      return { kind: "refused", reason: t("mail.in.tooFast") };
    case "locked":
      return { kind: "refused", reason: t("mail.in.locked") };
    case "no-article":
    case "no-parent":
    case "expired":
      return { kind: "refused", reason: t("mail.in.gone") };
  }
}

/**
 * The mail back to the sender when their reply was refused or held: to the address the site wrote
 * to, queued in the outbox, so it is retried (and not lost) while the SMTP server is away.
 */
async function tellSender(db: Db, to: Speaker, result: Received, text: string, now: Date): Promise<void> {
  const held = result.kind === "posted";
  const body = renderMail(
    [
      held
        ? paragraph`${postedMessage(true)}`
        : said("mail.in.notPosted", { reason: result.kind === "refused" ? result.reason : "" }),
      ...(text ? [said("mail.in.wrote"), quote(text)] : []),
    ],
    [said("mail.in.why", { site: site.name })],
  );
  await queueNotice(
    db,
    {
      to: to.email,
      subject: t(held ? "mail.in.subjectHeld" : "mail.in.subjectRefused", { site: site.name }),
      ...body,
      unsubscribeUrl: to.stop,
    },
    now,
  );
  wakeSender();
}
