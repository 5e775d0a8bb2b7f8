import { randomBytes } from "node:crypto";
import pg from "pg";
import { SLUG_PATTERN } from "../slug";
import { resolveDatabaseTarget } from "./database-url";
import { onShutdown } from "./lifecycle";
import { logger } from "./log";
import { forgetPagesHere, pageCacheEnabled, setBroadcast } from "./page-cache";
import { processWide } from "../process-wide";

// The page cache's channel between instances on one PostgreSQL database: forgetPages() on any
// instance sends NOTIFY with the article's slug, and every other instance, LISTENing on one
// connection of its own (outside the pool, which would hand it to queries), drops its copy of the
// page at once. When that connection is lost (PostgreSQL restarted, the network away), it is opened
// again with growing pauses; meanwhile pages are rendered again after PAGE_CACHE_SECONDS as always,
// and once it is back, this instance drops every page it kept (it may have missed a change) and,
// if it changed comments meanwhile, tells the others to do the same. It also carries changes to the
// moderation rules (locked discussions, the blocklist), which lib/comments/moderation.ts keeps in
// memory only while this channel listens, and word that content/ changed on an instance, on which
// the others look at their own copy at once (lib/server/content-live.ts). SQLite has a single
// instance: no channel.

export const CACHE_CHANNEL = "marginalia_page_cache";
export type ChannelStatus = "off" | "connecting" | "listening" | "reconnecting";

type State = {
  status: ChannelStatus;
  /** Tells this instance's own notifications from the others'. */
  instance: string;
  client?: pg.Client;
  stopped: boolean;
  /** A change made here could not be told: tell everyone to drop everything once reconnected. */
  missed: boolean;
  attempt: number;
  lostAt?: number;
  timer?: NodeJS.Timeout;
  /** One NOTIFY at a time; the changes made meanwhile go together in the next (null: every page). */
  sending: boolean;
  queued?: Set<string> | null;
  rulesQueued: boolean;
  contentQueued: boolean;
  /** What this instance does when another says content/ changed (set by content-live.ts). */
  onContent?: () => void;
  /** Who waits for the queued rule change to be told. */
  rulesTold: (() => void)[];
  /** When the last NOTIFY went, and the timer of the next. */
  sentAt: number;
  sendTimer?: NodeJS.Timeout;
  /** Counts what may have changed the moderation rules here unseen: other instances' changes, lost connections. */
  rulesEpoch: number;
  /** When the connection last answered: the heartbeat asks only a connection that has been quiet. */
  answeredAt: number;
};

// instrumentation.ts starts it; health.ts (in the routes' bundle) reads its status: one per process.
const state = processWide<State>("cache-channel", () => ({
  status: "off",
  instance: randomBytes(8).toString("hex"),
  stopped: false,
  missed: false,
  attempt: 0,
  sending: false,
  rulesQueued: false,
  contentQueued: false,
  rulesTold: [],
  sentAt: 0,
  rulesEpoch: 0,
  answeredAt: 0,
}));

/** Pauses between attempts to reconnect; the last repeats. */
const BACKOFF_MS = [100, 200, 500, 1_000, 2_000, 5_000];
/** A connection that silently died (no FIN, no RST) is found out by a query after this much quiet. */
const HEARTBEAT_MS = 15_000;
const QUERY_TIMEOUT_MS = 10_000;
const NOTIFY_EVERY_MS = 10;
const RULES_TOLD_MS = 2_000;
/** More slugs than this in one notification: every page instead (a payload is at most 8000 bytes). */
const MAX_SLUGS = 40;

export const cacheChannelStatus = (): ChannelStatus => state.status;

/** Wall-clock milliseconds, with a fraction. */
const now = () => performance.timeOrigin + performance.now();

/** Starts listening, once per process, when the page cache is on and the database is PostgreSQL. */
export function startCacheChannel(): void {
  if (state.status !== "off" || !pageCacheEnabled()) return;
  const target = resolveDatabaseTarget();
  if (target.provider !== "postgresql") return;
  state.status = "connecting";
  setBroadcast(broadcast);
  onShutdown("page cache channel", stop);
  void connect(target.url);
}

/**
 * A notification: who sent it, the articles whose pages changed (null: every page, and the rules),
 * whether the moderation rules changed, whether content/ changed, when.
 */
type Message = { from: string; slugs: string[] | null; rules?: boolean; content?: boolean; at?: number };

function parse(payload: string | undefined): Message | null {
  try {
    const message = JSON.parse(payload ?? "") as Partial<Message>;
    if (typeof message.from !== "string") return null;
    const slugs = message.slugs;
    if (
      slugs !== null &&
      !(Array.isArray(slugs) && slugs.every((slug) => typeof slug === "string" && SLUG_PATTERN.test(slug)))
    )
      return null;
    return {
      from: message.from,
      slugs,
      rules: message.rules === true,
      content: message.content === true,
      at: typeof message.at === "number" ? message.at : undefined,
    };
  } catch {
    return null;
  }
}

/** Whether a change can be told now; if not, the next connection tells everyone to drop everything. */
function canTell(): boolean {
  if (state.client && state.status === "listening") return true;
  state.missed = true;
  return false;
}

/**
 * forgetPages() on this instance: tell the others. One NOTIFY at a time, and at most one each
 * NOTIFY_EVERY_MS, so that a busy discussion does not send one per comment (each costs both ends
 * a round trip, a tenth of a post's CPU) nor queue hundreds behind a slow database: the changes
 * made meanwhile go together in the next.
 */
function broadcast(slug: string | null): void {
  if (!canTell()) return;
  if (slug === null || state.queued === null) state.queued = null;
  else (state.queued ??= new Set()).add(slug);
  schedule();
}

/**
 * The moderation rules changed on this instance: tell the others, which keep them in memory, at
 * once. Resolves when PostgreSQL has taken the notification (or could not, or after
 * RULES_TOLD_MS): the others have it before the author's next request.
 */
export function broadcastRulesChanged(): Promise<void> {
  if (!canTell()) return Promise.resolve();
  state.rulesQueued = true;
  const told = new Promise<void>((resolve) => {
    state.rulesTold.push(resolve);
    setTimeout(resolve, RULES_TOLD_MS).unref();
  });
  schedule();
  return told;
}

/**
 * content/ changed on this instance: the others look at their copy at once (on a shared volume
 * they would otherwise see it only at their next rescan; with copies of their own, a copy not
 * yet updated changes nothing there).
 */
export function broadcastContentChanged(): void {
  if (!canTell()) return;
  state.contentQueued = true;
  schedule();
}

/** What to do when another instance says content/ changed (also done after a lost connection). */
export function setContentListener(listener: (() => void) | undefined): void {
  state.onContent = listener;
}

/** Sends what is queued now, or once NOTIFY_EVERY_MS has passed since the last (rules at once). */
function schedule(): void {
  if (state.sending) return;
  const wait = state.rulesQueued ? 0 : state.sentAt + NOTIFY_EVERY_MS - now();
  if (wait <= 0) {
    clearTimeout(state.sendTimer);
    state.sendTimer = undefined;
    void send();
  } else
    state.sendTimer ??= setTimeout(() => {
      state.sendTimer = undefined;
      schedule();
    }, wait);
}

/**
 * The epoch under which rules read now may be kept, or null while the channel does not listen: an
 * instance that cannot hear the others' changes reads the rules every time.
 */
export const rulesEpoch = (): number | null => (state.status === "listening" ? state.rulesEpoch : null);

async function send(): Promise<void> {
  state.sending = true;
  try {
    if (state.queued !== undefined || state.rulesQueued || state.contentQueued) {
      const client = state.client;
      const slugs =
        state.queued === undefined
          ? []
          : state.queued === null || state.queued.size > MAX_SLUGS
            ? null
            : [...state.queued];
      const rules = state.rulesQueued;
      const content = state.contentQueued;
      const told = state.rulesTold.splice(0);
      state.queued = undefined;
      state.rulesQueued = false;
      state.contentQueued = false;
      if (!client) {
        state.missed = true;
        for (const resolve of told) resolve();
        return;
      }
      state.sentAt = now();
      const payload = JSON.stringify({
        from: state.instance,
        slugs,
        ...(rules ? { rules } : {}),
        ...(content ? { content } : {}),
        at: state.sentAt,
      });
      await client.query("SELECT pg_notify($1, $2)", [CACHE_CHANNEL, payload]).then(
        () => (state.answeredAt = Date.now()),
        () => {
          // Not told: start again on a new connection, which tells everyone to drop everything.
          state.missed = true;
          void client.end().catch(() => undefined);
        },
      );
      for (const resolve of told) resolve();
    }
  } finally {
    state.sending = false;
  }
  if (state.queued !== undefined || state.rulesQueued || state.contentQueued) schedule();
}

/** One connection's life: lost once, after which the next connection is tried. */
type Connection = {
  client: pg.Client;
  url: string;
  lost: boolean;
  /** Set once listening; read by lose, which may run before. */
  heartbeat?: NodeJS.Timeout;
};

async function connect(url: string): Promise<void> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: QUERY_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    keepAlive: true,
    application_name: "marginalia page cache channel",
  });
  const connection: Connection = { client, url, lost: false };
  client.on("error", (error) => lose(connection, error));
  client.on("end", () => lose(connection));
  client.on("notification", hear);
  try {
    await client.connect();
    await client.query(`LISTEN ${CACHE_CHANNEL}`);
  } catch (error) {
    lose(connection, error as Error);
    return;
  }
  if (connection.lost) return;
  if (state.stopped) {
    await client.end().catch(() => undefined);
    return;
  }
  onListening(connection);
}

/** The connection is gone (or never came): try again after a pause that grows with each attempt. */
function lose(connection: Connection, error?: Error): void {
  if (connection.lost) return;
  connection.lost = true;
  clearInterval(connection.heartbeat);
  if (state.client === connection.client) state.client = undefined;
  // Not awaited: on a dead network the goodbye never arrives.
  connection.client.end().catch(() => undefined);
  if (state.stopped) return;
  // Said once per outage, not per attempt.
  if (state.status === "listening" || state.status === "connecting") {
    state.lostAt = Date.now();
    logger().warn(
      { event: "cache-channel", status: "lost", reason: error?.message ?? "connection closed" },
      "page cache channel down: other instances' changes show after PAGE_CACHE_SECONDS until it is back",
    );
  }
  state.status = "reconnecting";
  const pause = BACKOFF_MS[Math.min(state.attempt, BACKOFF_MS.length - 1)];
  state.attempt++;
  state.timer = setTimeout(() => void connect(connection.url), pause * (0.8 + Math.random() * 0.4));
  state.timer.unref();
}

/** Another instance's change: drop the pages it names (every page, and the rules, for null). */
function hear(notification: pg.Notification): void {
  if (notification.channel !== CACHE_CHANNEL) return;
  const message = parse(notification.payload);
  state.answeredAt = Date.now();
  if (!message || message.from === state.instance) return;
  if (message.rules || message.slugs === null) state.rulesEpoch++;
  if (message.slugs === null) forgetPagesHere();
  else for (const slug of message.slugs) forgetPagesHere(slug, { renderAgain: true });
  if (message.content) state.onContent?.();
  // How long the change took to arrive (clocks of one machine agree; of several, roughly).
  logger().debug(
    {
      event: "cache-channel",
      slugs: message.slugs,
      ...(message.content ? { content: true } : {}),
      ...(message.at ? { delayMs: Math.round((now() - message.at) * 10) / 10 } : {}),
    },
    message.content
      ? "content/ changed on another instance: looked at ours"
      : "pages dropped: another instance changed their comments",
  );
}

/** Listening: make up for what may have been missed while not, and watch the connection. */
function onListening(connection: Connection): void {
  state.client = connection.client;
  state.status = "listening";
  // Rules kept before the connection was lost may lack a change made meanwhile.
  state.rulesEpoch++;
  const attempts = state.attempt;
  state.attempt = 0;
  // Pages kept while this instance could not hear may lack another instance's change; and the
  // others never heard of the changes made here meanwhile.
  forgetPagesHere();
  state.onContent?.();
  if (state.missed) {
    state.missed = false;
    broadcast(null);
  }
  if (state.lostAt !== undefined) {
    logger().info(
      { event: "cache-channel", status: "listening", downMs: Date.now() - state.lostAt, attempts },
      "page cache channel back",
    );
    state.lostAt = undefined;
  } else logger().info({ event: "cache-channel", status: "listening" }, "page cache channel listening");
  state.answeredAt = Date.now();
  connection.heartbeat = setInterval(() => {
    if (Date.now() - state.answeredAt < HEARTBEAT_MS) return;
    connection.client.query("SELECT 1").then(
      () => (state.answeredAt = Date.now()),
      (error: Error) => lose(connection, error),
    );
  }, HEARTBEAT_MS / 3);
  connection.heartbeat.unref();
}

async function stop(): Promise<void> {
  state.stopped = true;
  clearTimeout(state.timer);
  clearTimeout(state.sendTimer);
  setBroadcast(undefined);
  const client = state.client;
  state.client = undefined;
  state.status = "off";
  await client?.end();
}
