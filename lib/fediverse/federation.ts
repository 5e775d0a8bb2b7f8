import "server-only";
import { createFederation, type Context, type Federation } from "@fedify/fedify";
import {
  Article,
  Collection,
  Create,
  Endpoints,
  Hashtag,
  Image,
  Note,
  Person,
  PUBLIC_COLLECTION,
  type Recipient,
} from "@fedify/fedify/vocab";
import { getUserAgent } from "@fedify/fedify/runtime";
import { Temporal } from "@js-temporal/polyfill";
import { getArticleForFeed, listArticles } from "../content/articles";
import { siteAvatar } from "../content/site-icon";
import { articlePath, tagPath } from "../routes";
import { site } from "../site";
import type { Db } from "../server/db";
import { boundedLoaders } from "./document-loader";
import { actorKeyPairs } from "./keys";
import { PrismaKvStore } from "./kv-store";
import { PrismaMessageQueue } from "./message-queue";
import { listenToInbox } from "./inbox";
import { isPublishMessage, publishArticle } from "./publish";
import { authorNote, isAnswerMessage, publishAnswer } from "./answers";
import { commentNote, replyIds } from "./comment-notes";
import { isWebmentionMessage, verifyWebmention, webmentionOptions } from "./webmention-receive";
import { isNotifyMessage, isSendMessage, notifyTarget, sendWebmentions } from "./webmention-send";
import { FEDIVERSE_PATHS } from "./paths";

// The site as one ActivityPub actor (`@blog@<host>`), built with Fedify: WebFinger and NodeInfo,
// the actor with its keys, inbox, outbox and followers, and each article as an `Article` at its
// own URL (asked for with an ActivityStreams Accept). Fedify verifies the HTTP Signatures of every
// inbox post and signs what leaves; its cache and queue are the project's database
// (kv-store.ts, message-queue.ts). What the inbox does with what arrives: inbox.ts.

export type FediverseOptions = {
  db: () => Db;
  /** The site's public origin (SITE_URL): every id and URL the fediverse sees is under it. */
  origin: string;
  /** The actor's user name (FEDIVERSE_HANDLE). */
  handle: string;
  /** TESTS ONLY: fetch loopback and private addresses (FEDIVERSE_ALLOW_PRIVATE_ADDRESS). */
  allowPrivateAddress: boolean;
  pollMs: number;
  /** Where the articles are read from (tests); the site's content/ by default. */
  contentDir?: string;
  onError?: (error: unknown) => void;
};

export type SiteFederation = {
  federation: Federation<void>;
  queue: PrismaMessageQueue;
  kv: PrismaKvStore;
  options: FediverseOptions;
};

const day = (iso: string) => Temporal.Instant.from(`${iso}T00:00:00Z`);

/** An article as the fediverse sees it; null when no published article has that slug. */
export function articleObject(ctx: Context<void>, options: FediverseOptions, slug: string, replies: URL[] = []) {
  const article = getArticleForFeed(slug, { dir: options.contentDir, includeDrafts: false });
  if (!article) return null;
  const url = new URL(articlePath(slug), options.origin);
  return new Article({
    id: url,
    name: article.title,
    summary: article.description,
    content: article.html,
    mediaType: "text/html",
    url,
    published: day(article.date),
    updated: article.updated ? day(article.updated) : null,
    attribution: ctx.getActorUri(options.handle),
    to: PUBLIC_COLLECTION,
    cc: ctx.getFollowersUri(options.handle),
    tags: article.tags.map(
      (tag) => new Hashtag({ name: `#${tag.replace(/\s+/g, "")}`, href: new URL(tagPath(tag), options.origin) }),
    ),
    // The fediverse replies that became comments: a server showing the article finds the thread.
    replies: new Collection({ totalItems: replies.length, items: replies }),
  });
}

/** The Create that brings an article to followers: one id per article, so a repeat is the same activity. */
export function createArticleActivity(ctx: Context<void>, options: FediverseOptions, article: Article) {
  return new Create({
    id: new URL(`${article.id!.href}#create`),
    actor: ctx.getActorUri(options.handle),
    object: article,
    published: article.published,
    to: PUBLIC_COLLECTION,
    cc: ctx.getFollowersUri(options.handle),
  });
}

export function createSiteFederation(options: FediverseOptions): SiteFederation {
  const kv = new PrismaKvStore(options.db);
  const queue = new PrismaMessageQueue(options.db, { pollMs: options.pollMs, onError: options.onError });
  const handle = options.handle;
  const federation = createFederation<void>({
    kv,
    // One queue for deliveries, received activities and fan-out (Fedify listens to it once); the
    // site's own "publish this article" messages ride it too (publish.ts).
    queue,
    manuallyStartQueue: true,
    origin: options.origin,
    // Its fetches of actors, keys and contexts: bounded, and counted against the inbox post that
    // caused them (document-loader.ts); private addresses refused unless the tests allow them.
    ...boundedLoaders(
      kv,
      options.allowPrivateAddress,
      getUserAgent({ software: `Marginalia/0.1`, url: new URL(options.origin) }),
    ),
    // A delivery that failed (it is retried with backoff): said in the log, as the mail outbox does.
    onOutboxError: (error, activity) =>
      options.onError?.(new Error(`delivery of ${activity?.id?.href ?? "an activity"} failed: ${error.message}`)),
  });

  federation
    .setActorDispatcher(FEDIVERSE_PATHS.actor, async (ctx, identifier) => {
      if (identifier !== handle) return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      const avatar = siteAvatar();
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: site.name,
        summary: site.tagline,
        url: new URL("/", options.origin),
        icon: new Image({ url: new URL(avatar.url, options.origin), mediaType: avatar.type }),
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        outbox: ctx.getOutboxUri(identifier),
        followers: ctx.getFollowersUri(identifier),
        manuallyApprovesFollowers: false,
        discoverable: true,
        publicKey: keys[0].cryptographicKey,
        assertionMethods: keys.map((key) => key.multikey),
      });
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === handle ? actorKeyPairs(options.db()) : []));

  federation
    .setFollowersDispatcher(FEDIVERSE_PATHS.followers, async (_ctx, identifier) => {
      if (identifier !== handle) return null;
      const rows = await options.db().fediverseFollower.findMany({ orderBy: { createdAt: "asc" } });
      const items: Recipient[] = rows.map((row) => ({
        id: new URL(row.id),
        inboxId: new URL(row.inbox),
        endpoints: row.sharedInbox ? { sharedInbox: new URL(row.sharedInbox) } : null,
      }));
      return { items };
    })
    .setCounter((_ctx, identifier) => (identifier === handle ? options.db().fediverseFollower.count() : null));

  federation
    .setOutboxDispatcher(FEDIVERSE_PATHS.outbox, async (ctx, identifier) => {
      if (identifier !== handle) return null;
      const recent = listArticles({ dir: options.contentDir, includeDrafts: false }).slice(0, 20);
      const items = recent
        .map((summary) => articleObject(ctx, options, summary.slug))
        .filter((article): article is Article => article !== null)
        .map((article) => createArticleActivity(ctx, options, article));
      return { items };
    })
    .setCounter((_ctx, identifier) =>
      identifier === handle
        ? Math.min(20, listArticles({ dir: options.contentDir, includeDrafts: false }).length)
        : null,
    );

  federation.setObjectDispatcher(Article, FEDIVERSE_PATHS.article, async (ctx, { slug }) =>
    articleObject(ctx, options, slug, await replyIds(ctx, options.db(), slug)),
  );

  // The author's answers to fediverse replies (answers.ts), and every other comment on the page
  // (comment-notes.ts), as Notes.
  federation.setObjectDispatcher(
    Note,
    FEDIVERSE_PATHS.note,
    async (ctx, { id }) =>
      (await authorNote(ctx, options, options.db(), id))?.note ?? (await commentNote(ctx, options, options.db(), id)),
  );

  federation.setNodeInfoDispatcher(FEDIVERSE_PATHS.nodeInfo, async () => ({
    software: { name: "marginalia", version: "0.1.0", homepage: new URL("/", options.origin) },
    protocols: ["activitypub"],
    usage: {
      users: { total: 1, activeHalfyear: 1, activeMonth: 1 },
      localPosts: listArticles({ dir: options.contentDir, includeDrafts: false }).length,
      localComments: await options.db().comment.count({ where: { status: "published", deletedAt: null } }),
    },
    openRegistrations: false,
  }));

  const site_: SiteFederation = { federation, queue, kv, options };
  listenToInbox(site_);
  const ctx = federation.createContext(new URL(options.origin), undefined);
  queue.route = (message) =>
    isPublishMessage(message)
      ? publishArticle(site_, ctx, message)
      : isAnswerMessage(message)
        ? publishAnswer(site_, ctx, message)
        : isWebmentionMessage(message)
          ? verifyWebmention(message, webmentionOptions(site_)).then(() => undefined)
          : isSendMessage(message)
            ? sendWebmentions(site_, message).then(() => undefined)
            : isNotifyMessage(message)
              ? notifyTarget(site_, message).then(() => undefined)
              : null;
  return site_;
}

/**
 * Works the queue until the signal aborts: Fedify's deliveries and inbox work, and the site's own
 * "publish this article", which becomes a Create(Article) to followers (publish.ts), and
 * Webmentions to check (webmention-receive.ts) and to send (webmention-send.ts).
 */
export async function runQueue(site_: SiteFederation, signal: AbortSignal): Promise<void> {
  await site_.federation.startQueue(undefined, { signal });
}
