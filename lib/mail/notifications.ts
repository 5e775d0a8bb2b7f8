import "server-only";
import { listArticles } from "../content/articles";
import type { Db } from "../server/db";
import { buttons, comment, heading, link, links, paragraph, quoted, renderMail, rule, said, strong } from "./body";
import { mailEnabled, type OutgoingMail } from "./mail";
import { enqueue, type Notice, type OutboxRow, type Tx } from "./outbox";
import { settings } from "../settings";
import { t } from "../i18n";
import { absoluteUrl, site } from "../site";
import {
  issueMailToken,
  linkTo,
  neverMailToken,
  subscribe,
  unsubscribeAllToken,
  unsubscribeToken,
} from "./subscriptions";
import { articlePath, commentPath } from "../routes";
import { mailboxHash } from "./mailbox";
import { authorMailPaused, pauseAuthorMailToken } from "./author-mail";
import { replyAddress } from "./reply-address";

// What a new comment sets off: the commenter's subscription (and confirmation mail), reply
// notifications to those who follow the comment answered or the discussion, the author's mail and
// the webhook. All of it is written in the comment's own transaction (lib/mail/outbox.ts); the
// mails are composed when sent, from what is true then (a reply deleted meanwhile is not sent).

export type CommentEvent = {
  id: string;
  slug: string;
  /** The comment answered (as the reader chose it, before threads stop nesting). */
  answers: string | null;
  name: string;
  body: string;
  status: string;
  browserId: string | null;
  /** The address given on the form, when "Email me when someone replies" was ticked. */
  notifyEmail?: string | null;
};

/** Whether a new comment has anything to queue: mail or a webhook is configured. */
export function commentEventsEnabled(): boolean {
  return mailEnabled() || Boolean(settings().WEBHOOK_URL);
}

/** Queues everything a new comment sets off, inside the transaction that stores it. */
export async function recordNewComment(tx: Tx, event: CommentEvent, now = new Date()): Promise<void> {
  const config = settings();
  if (mailEnabled()) {
    if (event.notifyEmail) {
      await subscribe(
        tx,
        { email: event.notifyEmail, kind: "replies", target: event.id, browserId: event.browserId },
        now,
      );
    }
    // A shadow-banned reader's comment is news to nobody: no reply mails, no mail to the author.
    const shadow = event.status === "shadow";
    if (!shadow) await queueReplyNotifications(tx, event, now);
    if (config.AUTHOR_EMAIL && !shadow && !(await authorMailPaused(tx))) {
      const links = Object.fromEntries(
        await Promise.all(
          (["approve", "hide", "delete"] as const).map(async (action) => [
            action,
            linkTo("/email/moderate", await issueMailToken(tx, action, event.id, now)),
          ]),
        ),
      );
      const digest = config.AUTHOR_DIGEST_MINUTES;
      await enqueue(
        tx,
        {
          kind: "author",
          payload: { commentId: event.id, links },
          groupKey: digest > 0 ? "author" : null,
          delaySeconds: digest * 60,
        },
        now,
      );
    }
  }
  if (config.WEBHOOK_URL) await queueWebhook(tx, "comment.created", event, now);
}

async function queueReplyNotifications(tx: Tx, event: CommentEvent, now: Date): Promise<void> {
  const follows = await tx.subscription.findMany({
    where: {
      subscriber: { confirmedAt: { not: null } },
      OR: [
        ...(event.answers ? [{ kind: "replies", target: event.answers }] : []),
        { kind: "discussion", target: event.slug },
      ],
    },
    select: { id: true, kind: true, subscriberId: true, subscriber: { select: { email: true, browserId: true } } },
  });
  const answered = event.answers
    ? await tx.comment.findUnique({ where: { id: event.answers }, select: { browserId: true } })
    : null;
  const seen = new Set<string>();
  // A follow of the comment answered wins over a follow of the whole discussion (its mail says "replied to you").
  follows.sort((a, b) => (a.kind === "replies" ? -1 : 1) - (b.kind === "replies" ? -1 : 1));
  for (const follow of follows) {
    if (seen.has(follow.subscriberId)) continue;
    seen.add(follow.subscriberId);
    // No mail about one's own comment: same address, or the same browser that wrote the comment answered.
    if (event.notifyEmail && follow.subscriber.email === event.notifyEmail) continue;
    if (
      event.browserId &&
      (follow.subscriber.browserId === event.browserId ||
        (follow.kind === "replies" && answered?.browserId === event.browserId))
    )
      continue;
    await enqueue(
      tx,
      {
        kind: "reply",
        subscriberId: follow.subscriberId,
        groupKey: `reply:${follow.subscriberId}`,
        payload: { commentId: event.id, subscriptionId: follow.id },
        delaySeconds: settings().REPLY_BATCH_SECONDS,
      },
      now,
    );
  }
}

export type WebhookEvent =
  "comment.created" | "comment.edited" | "comment.approved" | "comment.hidden" | "comment.deleted";

export async function queueWebhook(
  tx: Tx,
  type: WebhookEvent,
  comment: { id: string; slug: string; name: string; body: string; status: string },
  now = new Date(),
): Promise<void> {
  const body = {
    type,
    at: now.toISOString(),
    comment: {
      id: comment.id,
      article: comment.slug,
      author: comment.name,
      body: comment.body,
      status: comment.status,
      url: absoluteUrl(commentPath(comment.slug, comment.id)),
    },
  };
  await enqueue(tx, { kind: "webhook", payload: body }, now);
}

// ---- Composing at send time ----

export type Composed =
  { kind: "send"; mail: OutgoingMail } | { kind: "drop"; reason: string } | { kind: "wait"; until: Date };

const articleTitle = (slug: string) => listArticles().find((a) => a.slug === slug)?.title ?? slug;

const payloadOf = <T>(row: OutboxRow) => JSON.parse(row.payload) as T;

/** Turns a claimed outbox row (and the rows merged into it) into the mail to send now, if any. */
export async function composeMail(db: Db, rows: OutboxRow[], now = new Date()): Promise<Composed> {
  const leader = rows[0];
  switch (leader.kind) {
    case "confirm":
      return composeConfirmation(db, leader);
    case "reply":
      return composeReplies(db, rows, now);
    case "author":
      return composeAuthorMail(db, rows, now);
    case "article":
      return composeArticleMail(db, leader);
    case "notice":
      return { kind: "send", mail: { ...payloadOf<Notice>(leader), messageId: leader.messageId } };
    default:
      return { kind: "drop", reason: `no mail for "${leader.kind}"` };
  }
}

async function composeConfirmation(db: Db, row: OutboxRow): Promise<Composed> {
  const subscriber = row.subscriberId ? await db.subscriber.findUnique({ where: { id: row.subscriberId } }) : null;
  if (!subscriber) return { kind: "drop", reason: "the address was removed" };
  if (subscriber.confirmedAt) return { kind: "drop", reason: "already confirmed" };
  const { link: confirm } = payloadOf<{ link: string }>(row);
  const hours = settings().MAIL_LINK_HOURS;
  // Opened, it asks first (a page with a button); POSTed by a mail provider (List-Unsubscribe), it acts.
  const never = linkTo("/email/one-click", neverMailToken(subscriber.email));
  const body = renderMail(
    [
      said("mail.confirm.asked", { site: link(site.name, site.url) }),
      buttons(link(t("mail.confirm.button", { hours }), confirm)),
    ],
    [said("mail.confirm.notYou"), links(link(t("mail.never"), never))],
  );
  return {
    kind: "send",
    mail: {
      to: subscriber.email,
      subject: t("mail.confirm.subject", { site: site.name }),
      ...body,
      messageId: row.messageId,
      unsubscribeUrl: never,
    },
  };
}

// A reply awaiting moderation is held this long at most; then it is not announced.
const PENDING_HOLD_MS = 7 * 24 * 3_600_000;

async function composeReplies(db: Db, rows: OutboxRow[], now: Date): Promise<Composed> {
  const leader = rows[0];
  const subscriber = leader.subscriberId
    ? await db.subscriber.findUnique({ where: { id: leader.subscriberId } })
    : null;
  if (!subscriber?.confirmedAt) return { kind: "drop", reason: "the address was removed or is not confirmed" };
  const items = rows.map((row) => payloadOf<{ commentId: string; subscriptionId: string }>(row));
  const subscriptions = await db.subscription.findMany({ where: { id: { in: items.map((i) => i.subscriptionId) } } });
  const live = new Set(subscriptions.map((s) => s.id));
  const comments = await db.comment.findMany({
    where: { id: { in: items.filter((i) => live.has(i.subscriptionId)).map((i) => i.commentId) }, deletedAt: null },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  if (comments.some((c) => c.status === "pending" && now.getTime() - c.createdAt.getTime() < PENDING_HOLD_MS)) {
    return { kind: "wait", until: new Date(now.getTime() + 5 * 60_000) };
  }
  const published = comments.filter((c) => c.status === "published");
  if (published.length === 0) return { kind: "drop", reason: "nothing left to announce" };

  const title = articleTitle(published[0].articleSlug);
  const subscription = subscriptions.find((s) => s.id === items[0].subscriptionId) ?? subscriptions[0];
  const stopOne = linkTo("/email/unsubscribe", unsubscribeToken(subscription.id));
  const stopAll = linkTo("/email/unsubscribe", unsubscribeAllToken(subscriber.id));
  const own = await answeredComments(db, subscriptions);
  const followed = new Map(items.map((i) => [i.commentId, subscriptions.find((s) => s.id === i.subscriptionId)]));
  const parts = published.flatMap((c, i) => {
    const url = absoluteUrl(commentPath(c.articleSlug, c.id));
    // A follow of replies names the comment answered (which a deep reply's parent may not be).
    const follow = followed.get(c.id);
    const answered = follow?.kind === "replies" ? own.get(follow.target) : undefined;
    return [
      ...(i > 0 ? [rule] : []),
      said("mail.reply.replied", { name: strong(c.authorName), title: link(title, url) }),
      // The reader's own comment first, so the reply reads in its context (as Remark42 does).
      ...(answered ? [quoted(t("mail.reply.yourComment"), answered.body)] : []),
      comment(c.body),
      buttons(link(t(published.length === 1 ? "mail.reply.read" : "mail.reply.readThis"), url)),
    ];
  });
  // One reply to the reader's own comment can be answered by replying to the mail, under their name.
  const own1 = published.length === 1 ? followed.get(published[0].id) : undefined;
  const answeredOne = own1?.kind === "replies" ? own.get(own1.target) : undefined;
  const replyTo = answeredOne
    ? await replyAddress(
        db,
        published[0].id,
        {
          kind: "reader",
          subscriberId: subscriber.id,
          name: answeredOne.authorName,
        },
        leader.messageId,
        now,
      )
    : null;
  if (replyTo) parts.push(said("mail.reply.byMail", { name: answeredOne!.authorName }));
  const subject =
    published.length === 1
      ? t("mail.reply.subject", { name: published[0].authorName, title })
      : t("mail.reply.subjectMany", { count: published.length, title });
  const body = renderMail(parts, [
    said("mail.reply.why"),
    links(link(t("mail.stop"), stopOne), link(t("mail.stopAll", { site: site.name }), stopAll)),
  ]);
  return {
    kind: "send",
    mail: {
      to: subscriber.email,
      subject,
      ...body,
      messageId: leader.messageId,
      unsubscribeUrl: linkTo("/email/one-click", unsubscribeToken(subscription.id)),
      replyTo,
    },
  };
}

/** The comments the reader follows for their replies (their own), by id: quoted above a reply to them. */
async function answeredComments(
  db: Db,
  follows: { kind: string; target: string }[],
): Promise<Map<string, { body: string; authorName: string }>> {
  const ids = follows.filter((f) => f.kind === "replies").map((f) => f.target);
  if (ids.length === 0) return new Map();
  const rows = await db.comment.findMany({
    where: { id: { in: ids }, deletedAt: null, status: "published" },
    select: { id: true, body: true, authorName: true },
  });
  return new Map(rows.map((row) => [row.id, row]));
}

async function composeAuthorMail(db: Db, rows: OutboxRow[], now: Date): Promise<Composed> {
  const to = settings().AUTHOR_EMAIL;
  if (!to) return { kind: "drop", reason: "AUTHOR_EMAIL is no longer set" };
  if (await authorMailPaused(db)) return { kind: "drop", reason: "the author paused new-comment mails" };
  const items = rows.map((row) =>
    payloadOf<{ commentId: string; links: Record<"approve" | "hide" | "delete", string> }>(row),
  );
  const comments = await db.comment.findMany({ where: { id: { in: items.map((i) => i.commentId) }, deletedAt: null } });
  const byId = new Map(comments.map((c) => [c.id, c]));
  const present = items.filter((i) => byId.has(i.commentId));
  if (present.length === 0) return { kind: "drop", reason: "the comments were deleted" };
  const parts = present.flatMap(({ commentId, links: actions }, i) => {
    const c = byId.get(commentId)!;
    const url = absoluteUrl(commentPath(c.articleSlug, c.id));
    return [
      ...(i > 0 ? [rule] : []),
      said(c.status === "pending" ? "mail.author.commentedPending" : "mail.author.commented", {
        name: strong(c.authorName),
        title: link(articleTitle(c.articleSlug), url),
      }),
      comment(c.body),
      buttons(
        ...(c.status === "pending" ? [link(t("mail.author.approve"), actions.approve)] : []),
        link(t("mail.author.hide"), actions.hide),
        link(t("mail.author.delete"), actions.delete),
      ),
    ];
  });
  const first = byId.get(present[0].commentId)!;
  const subject =
    present.length === 1
      ? t("mail.author.subject", { name: first.authorName, title: articleTitle(first.articleSlug) })
      : t("mail.author.subjectMany", { count: present.length });
  const replyTo =
    present.length === 1 ? await replyAddress(db, first.id, { kind: "author" }, rows[0].messageId, now) : null;
  if (replyTo) parts.push(said("mail.author.byMail"));
  const hours = settings().MAIL_LINK_HOURS;
  const body = renderMail(parts, [
    said("mail.author.links", {}, { hours }),
    links(link(t("mail.author.pause"), linkTo("/email/unsubscribe", pauseAuthorMailToken(to)))),
  ]);
  return {
    kind: "send",
    mail: {
      to,
      subject,
      ...body,
      messageId: rows[0].messageId,
      unsubscribeUrl: linkTo("/email/one-click", pauseAuthorMailToken(to)),
      replyTo,
    },
  };
}

async function composeArticleMail(db: Db, row: OutboxRow): Promise<Composed> {
  const { slug, subscriptionId } = payloadOf<{ slug: string; subscriptionId: string }>(row);
  const subscriber = row.subscriberId ? await db.subscriber.findUnique({ where: { id: row.subscriberId } }) : null;
  const subscription = await db.subscription.findUnique({ where: { id: subscriptionId } });
  if (!subscriber?.confirmedAt || !subscription) return { kind: "drop", reason: "unsubscribed" };
  const article = listArticles().find((a) => a.slug === slug);
  if (!article) return { kind: "drop", reason: "the article is gone" };
  const url = absoluteUrl(articlePath(slug));
  const stopOne = linkTo("/email/unsubscribe", unsubscribeToken(subscription.id));
  const stopAll = linkTo("/email/unsubscribe", unsubscribeAllToken(subscriber.id));
  const body = renderMail(
    [
      heading`${link(article.title, url)}`,
      paragraph`${article.description}`,
      buttons(link(t("mail.article.read"), url)),
    ],
    [links(link(t("mail.article.stop"), stopOne), link(t("mail.stopAll", { site: site.name }), stopAll))],
  );
  return {
    kind: "send",
    mail: {
      to: subscriber.email,
      subject: t("mail.article.subject", { site: site.name, title: article.title }),
      ...body,
      messageId: row.messageId,
      unsubscribeUrl: linkTo("/email/one-click", unsubscribeToken(subscription.id)),
    },
  };
}

/** The rate-limit key of a recipient's mailbox (its +tag spellings are one): a hash, so the address is not written into another table. */
export const recipientKey = (email: string) => `mail-to:${mailboxHash(email)}`;
