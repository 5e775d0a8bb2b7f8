import "server-only";
import { z } from "zod";
import type { InboxContext } from "@fedify/fedify";
import {
  Accept,
  Announce,
  Create,
  Delete,
  Follow,
  isActor,
  Like,
  Note,
  Reject,
  Undo,
  Update,
} from "@fedify/fedify/vocab";
import { submitComment, submitRemoteDelete, submitRemoteEdit, type SubmitResult } from "../comments/service";
import { NAME_MAX } from "../comments/limits";
import { articleSlugOf } from "../routes";
import { articleExists } from "../content/articles";
import { SLUG_PATTERN } from "../slug";
import type { Db } from "../server/db";
import { canonicalHost, withinDomain } from "../server/domain-key";
import type { SiteFederation } from "./federation";
import { FEDIVERSE_PATHS } from "./paths";
import { addReaction, removeReaction } from "./reactions";
import { displayName, handleOf, noteMarkdown, readNote, type RemoteReply } from "./remote-note";

// What the inbox does with what arrives. Fedify has checked, before any of this runs, that the
// request is signed by the key of the activity's actor (HTTP Signatures; unsigned or forged posts
// are answered 401 and never reach here). So `activity.actorId` is who sent it; the objects inside
// are believed only as far as they are that actor's own (a Note must be attributed to them).
//
// - Follow of the site's actor: the follower is kept and an Accept sent back (a Reject when their
//   instance is blocked). Undo of that Follow: they are removed.
// - Create(Note) in reply to an article (or one of its comments): a comment, through the comment
//   service like any other (validation, limits per actor and per instance, bans and blocklists with
//   the instance's domain, spam score, moderation).
// - Update(Note), Delete: the comment edited or removed, only by the actor who wrote it.
// - Like of an article or a comment, Announce (a boost) of an article: counted (reactions.ts);
//   their Undo removes them.

const ACCEPT_PREFIX = "#accepts/";

const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);
/** A follower as kept: their server's word, checked. */
const followerSchema = z.object({
  id: httpUrl,
  inbox: httpUrl,
  sharedInbox: httpUrl.nullable(),
  handle: z.string().min(3).max(500),
  domain: z.string().min(1).max(253),
  followId: httpUrl,
});

/** Whether an instance is refused by a domain blocklist entry set to refuse (its subdomains too). */
export async function instanceRefused(db: Db, host: string, now = new Date()): Promise<boolean> {
  const rules = await db.block.findMany({ where: { kind: "domain", action: "refuse" } });
  return rules.some((rule) => (!rule.expiresAt || rule.expiresAt > now) && withinDomain(host, rule.value));
}

/** The article and comment a URL names on this site (`/articles/<slug>#comment-<id>`), if any. */
function localTarget(url: URL, origin: string): { slug: string; parentId: string | null } | null {
  if (url.origin !== new URL(origin).origin) return null;
  const segment = articleSlugOf(url.pathname);
  if (!segment) return null;
  const slug = decodeURIComponent(segment);
  if (!SLUG_PATTERN.test(slug)) return null;
  const anchor = /^#comment-([\w-]{1,64})$/.exec(url.hash);
  return { slug, parentId: anchor ? anchor[1] : null };
}

/** What a reply answers: an article or a comment of this site, or a fediverse reply stored here. */
async function replyTarget(db: Db, inReplyTo: string, origin: string) {
  const local = localTarget(new URL(inReplyTo), origin);
  if (local) return local;
  const parent = await db.comment.findUnique({
    where: { remoteId: inReplyTo },
    select: { id: true, articleSlug: true },
  });
  return parent ? { slug: parent.articleSlug, parentId: parent.id } : null;
}

export type ReplyOutcome = SubmitResult | { kind: "not-a-reply" } | { kind: "not-theirs" };

/** The URLs a reply's opening mention of the site links to: the actor, and its profile (the home page). */
const ownActorUrls = ({ options }: SiteFederation) => [
  new URL(FEDIVERSE_PATHS.actor.replace("{identifier}", options.handle), options.origin).href,
  new URL("/", options.origin).href,
];

/** A Note received (in a Create) as a comment, through the comment service. */
export async function receiveReply(site: SiteFederation, reply: RemoteReply, signer: URL): Promise<ReplyOutcome> {
  const { db, origin } = site.options;
  // Only the actor's own Note: attributed to who signed, and at their origin.
  if (reply.actor.id !== signer.href || new URL(reply.noteId).origin !== signer.origin) return { kind: "not-theirs" };
  const target = await replyTarget(db(), reply.inReplyTo, origin);
  if (!target) return { kind: "not-a-reply" };
  const body = noteMarkdown(reply, ownActorUrls(site));
  return submitComment(
    { slug: target.slug, name: displayName(reply, NAME_MAX), body, parentId: target.parentId, token: null },
    {
      ip: "unknown",
      browserId: null,
      remote: {
        id: reply.noteId,
        actor: reply.actor.id,
        handle: handleOf(reply),
        avatar: reply.actor.avatar,
        url: reply.url,
        instance: signer.hostname,
      },
    },
    db(),
  );
}

/** A like (of an article or a comment) or a boost (of an article) counted, unless its instance is blocked. */
async function react(
  site: SiteFederation,
  kind: "like" | "announce",
  id: URL | null,
  actor: URL | null,
  object: URL | null,
) {
  if (!id || !actor || !object) return;
  const { db, origin } = site.options;
  const target = await replyTarget(db(), object.href, origin);
  if (!target || (kind === "announce" && target.parentId)) return;
  if (!articleExists(target.slug, { dir: site.options.contentDir })) return;
  if (await instanceRefused(db(), actor.hostname)) return;
  if (target.parentId) {
    const comment = await db().comment.findFirst({
      where: { id: target.parentId, articleSlug: target.slug, status: "published", deletedAt: null },
      select: { id: true },
    });
    if (!comment) return;
  }
  await addReaction(db(), { id: id.href, kind, actor: actor.href, slug: target.slug, commentId: target.parentId });
}

export function listenToInbox(site: SiteFederation): void {
  const { db, handle } = site.options;
  const actorOf = (ctx: InboxContext<void>) => ctx.getActorUri(handle);

  site.federation
    .setInboxListeners(FEDIVERSE_PATHS.inbox, FEDIVERSE_PATHS.sharedInbox)
    .on(Follow, async (ctx, follow) => {
      if (!follow.id || !follow.actorId || !follow.objectId) return;
      const target = ctx.parseUri(follow.objectId);
      if (target?.type !== "actor" || target.identifier !== handle) return;
      const follower = await follow.getActor(ctx);
      if (!follower || !isActor(follower) || !follower.id || !follower.inboxId) return;
      if (follower.id.href !== follow.actorId.href) return;
      const answer = {
        id: new URL(`${ACCEPT_PREFIX}${crypto.randomUUID()}`, actorOf(ctx)),
        actor: actorOf(ctx),
        object: follow,
      };
      if (await instanceRefused(db(), follower.id.hostname)) {
        await ctx.sendActivity({ identifier: handle }, follower, new Reject(answer));
        return;
      }
      const parsed = followerSchema.safeParse({
        id: follower.id.href,
        inbox: follower.inboxId.href,
        sharedInbox: follower.endpoints?.sharedInbox?.href ?? null,
        handle: `@${String(follower.preferredUsername ?? "?").slice(0, 200)}@${follower.id.host}`,
        domain: canonicalHost(follower.id.hostname),
        followId: follow.id.href,
      });
      if (!parsed.success) return;
      const { id, ...row } = parsed.data;
      await db().fediverseFollower.upsert({ where: { id }, create: { id, ...row }, update: row });
      await ctx.sendActivity({ identifier: handle }, follower, new Accept(answer));
    })
    .on(Undo, async (ctx, undo) => {
      if (!undo.actorId) return;
      const object = await undo.getObject(ctx);
      if ((object instanceof Like || object instanceof Announce) && object.id) {
        await removeReaction(db(), object.id.href, undo.actorId.href);
        return;
      }
      if (!(object instanceof Follow)) return;
      if (object.actorId?.href !== undo.actorId.href) return;
      await db().fediverseFollower.deleteMany({ where: { id: undo.actorId.href } });
    })
    .on(Like, async (_ctx, like) => react(site, "like", like.id, like.actorId, like.objectId))
    .on(Announce, async (_ctx, boost) => react(site, "announce", boost.id, boost.actorId, boost.objectId))
    .on(Create, async (ctx, create) => {
      const object = await create.getObject(ctx);
      if (!(object instanceof Note) || !create.actorId) return;
      const actor = await create.getActor(ctx);
      if (!actor || !isActor(actor)) return;
      const reply = await readNote(object, actor, ctx);
      if (!reply) return;
      await receiveReply(site, reply, create.actorId);
    })
    .on(Update, async (ctx, update) => {
      const object = await update.getObject(ctx);
      if (!(object instanceof Note) || !update.actorId || !object.id) return;
      if (object.attributionId?.href !== update.actorId.href) return;
      const actor = await update.getActor(ctx);
      if (!actor || !isActor(actor)) return;
      const reply = await readNote(object, actor, ctx);
      if (!reply) return;
      await submitRemoteEdit(
        {
          remoteId: reply.noteId,
          actor: update.actorId.href,
          instance: update.actorId.hostname,
          body: noteMarkdown(reply, ownActorUrls(site)),
        },
        db(),
      );
    })
    .on(Delete, async (_ctx, remove) => {
      if (!remove.actorId || !remove.objectId) return;
      // A deleted account: its follow goes too.
      if (remove.objectId.href === remove.actorId.href) {
        await db().fediverseFollower.deleteMany({ where: { id: remove.actorId.href } });
        return;
      }
      await submitRemoteDelete({ remoteId: remove.objectId.href, actor: remove.actorId.href }, db());
    });
}
