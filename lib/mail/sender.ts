import "server-only";
import { createHmac } from "node:crypto";
import { announceNewArticles, announcementsWanted } from "./announcements";
import { composeMail, recipientKey } from "./notifications";
import { db as defaultDb, type Db } from "../server/db";
import { check, record, type Window } from "../server/rate-limit";
import { mailboxBlocked } from "./subscriptions";
import { settings, type Settings } from "../settings";
import { deliverMail, mailEnabled } from "./mail";
import { onShutdown } from "../server/lifecycle";
import { claimDue, gatherGroup, markDropped, markFailed, markSent, postpone, type OutboxRow } from "./outbox";
import { processWide } from "../process-wide";

// The sender loop: one per server process (started by instrumentation.ts), polling the outbox every
// MAIL_POLL_SECONDS and woken at once when a comment queued something. Several processes may run
// it against one PostgreSQL database: claims keep each message to one of them.

const SITE_KEY = "mail:site";
const CONFIRMATIONS_KEY = "mail:confirmations";

/** MAIL_CONFIRMATION_RATE_PER_HOUR, or a quarter of MAIL_RATE_PER_HOUR; never more than that. */
export function confirmationsPerHour(config: Settings): number {
  const share = config.MAIL_CONFIRMATION_RATE_PER_HOUR ?? Math.max(1, Math.floor(config.MAIL_RATE_PER_HOUR / 4));
  return Math.min(share, config.MAIL_RATE_PER_HOUR);
}

/** The webhook body's signature: HMAC-SHA256 over the exact bytes sent, hex, in X-Marginalia-Signature. */
export function webhookSignature(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

async function deliverWebhook(row: OutboxRow): Promise<"sent" | "dropped"> {
  const { WEBHOOK_URL: url, WEBHOOK_SECRET: secret } = settings();
  if (!url) return "dropped";
  const body = row.payload;
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-marginalia-delivery": row.messageId.replace(/[<>]/g, ""),
      ...(secret ? { "x-marginalia-signature": webhookSignature(body, secret) } : {}),
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  return "sent";
}

/** Handles one claimed message; failures are recorded on it and retried with backoff. */
async function handle(db: Db, row: OutboxRow, now: Date): Promise<void> {
  const config = settings();
  try {
    if (row.kind === "webhook") {
      if ((await deliverWebhook(row)) === "dropped") await markDropped(db, row.id, "WEBHOOK_URL is no longer set");
      else await markSent(db, row.id, new Date());
      return;
    }
    if (!mailEnabled()) {
      await markFailed(db, row, "SMTP_URL is not set", config.MAIL_RETRY_SECONDS, now);
      return;
    }
    const rows = await gatherGroup(db, row);
    const composed = await composeMail(db, rows, now);
    if (composed.kind === "drop") return markDropped(db, row.id, composed.reason);
    if (composed.kind === "wait") return postpone(db, row, composed.until);
    if (await mailboxBlocked(db, composed.mail.to))
      return markDropped(db, row.id, "the mailbox asked never to be mailed");
    // A reply storm or a loop must not turn into a mail bomb: over a limit, the mail waits.
    // Confirmations (to addresses nobody confirmed) have a share of the site's hour of their own,
    // so notifications to confirmed readers always keep the rest of it.
    const limits: [string, Window][] = [
      [recipientKey(composed.mail.to), { limit: config.MAIL_RATE_PER_RECIPIENT_HOUR, seconds: 3600 }],
      [SITE_KEY, { limit: config.MAIL_RATE_PER_HOUR, seconds: 3600 }],
      ...(row.kind === "confirm"
        ? [[CONFIRMATIONS_KEY, { limit: confirmationsPerHour(config), seconds: 3600 }] as [string, Window]]
        : []),
    ];
    for (const [key, window] of limits) {
      const allowed = await check(key, [window], db, now);
      if (!allowed.ok) return postpone(db, row, new Date(now.getTime() + allowed.retryAfterSeconds * 1000));
    }
    await deliverMail(composed.mail);
    await markSent(db, row.id, new Date());
    for (const [key, window] of limits) await record(key, [window], db, now);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.warn(`outbox: ${row.kind} ${row.id} failed (attempt ${row.attempts}): ${message}`);
    await markFailed(db, row, message, config.MAIL_RETRY_SECONDS, new Date()).catch(() => undefined);
  }
}

let announcedAt = 0;
const ANNOUNCE_EVERY_MS = 60_000;

/** Sends every due message once; returns how many were handled. */
export async function sendDue(db: Db = defaultDb(), now = new Date()): Promise<number> {
  // About once a minute: has an article become visible (its date came) since the last look?
  if (announcementsWanted() && now.getTime() - announcedAt >= ANNOUNCE_EVERY_MS) {
    announcedAt = now.getTime();
    await announceNewArticles(db, now);
  }
  let handled = 0;
  for (;;) {
    const rows = await claimDue(db, now);
    for (const row of rows) await handle(db, row, now);
    handled += rows.length;
    if (rows.length < 10) return handled;
  }
}

type SenderState = {
  running: boolean;
  timer?: NodeJS.Timeout;
  wake: () => void;
  again: boolean;
  stopped?: boolean;
  /** The tick under way, for a stopping server to wait for (a mail being handed over). */
  tick?: Promise<void>;
};
// instrumentation.ts and the routes are bundled apart, and each bundle has its own copy of this
// module; the process has one sender, which a route wakes through here.
const shared = processWide<{ sender?: SenderState }>("sender", () => ({}));

/** Starts the sender loop in this process (once). */
export function startSender(db: () => Db = defaultDb): void {
  if (shared.sender) return;
  const state: SenderState = { running: false, again: false, wake: () => undefined };
  const schedule = (ms: number) => {
    if (state.stopped) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => void tick(), ms);
    state.timer.unref();
  };
  const tick = async () => {
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    state.tick = sendDue(db()).then(
      () => undefined,
      // The database away: try again at the next tick.
      (error: Error) => console.warn(`outbox: cannot read the outbox (${error.message.split("\n").at(-1)})`),
    );
    await state.tick;
    state.running = false;
    schedule(state.again ? 0 : settings().MAIL_POLL_SECONDS * 1000);
    state.again = false;
  };
  state.wake = () => schedule(50);
  shared.sender = state;
  schedule(1000);
  onShutdown("outbox sender", async () => {
    state.stopped = true;
    clearTimeout(state.timer);
    await state.tick;
  });
}

/** Asks this process's sender to look at the outbox now (a comment just queued something). */
export function wakeSender(): void {
  shared.sender?.wake();
}
