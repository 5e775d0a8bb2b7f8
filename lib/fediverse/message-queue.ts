import "server-only";
import { randomUUID } from "node:crypto";
import type { MessageQueue, MessageQueueEnqueueOptions, MessageQueueListenOptions } from "@fedify/fedify";
import type { Db } from "../server/db";

// Fedify's message queue (deliveries to followers' inboxes, incoming activities, fan-out) in the
// project's own database, table FediverseMessage: a message queued survives a restart, and of
// several instances polling it exactly one handles each message. A worker claims a message by an
// update that names its free state (`lockedUntil` empty or past), which one statement on SQLite and
// PostgreSQL alike lets only one writer win; it holds it for LEASE_MS, then deletes it once
// handled. A worker that stopped mid-way leaves the claim to lapse, and another takes it over.
//
// Fedify retries a failed delivery itself (nativeRetrial is false: it queues the retry with its
// backoff), so a handler that still throws is the queue's to retry: later, with backoff.

const LEASE_MS = 5 * 60_000;
const BATCH = 10;
const RETRY_MS = [10_000, 60_000, 10 * 60_000, 60 * 60_000];
/** After this many failed tries of a message's handler, it is dropped (Fedify has its own retries inside). */
const MAX_ATTEMPTS = 8;

export type QueueOptions = { pollMs: number; clock?: () => number; onError?: (error: unknown) => void };

export class PrismaMessageQueue implements MessageQueue {
  readonly nativeRetrial = false;
  private readonly clock: () => number;
  private wake: (() => void) | null = null;
  /** Messages the site handles itself (publish.ts): a promise when this one is the site's, else null. */
  route: ((message: unknown) => Promise<void> | null) | null = null;

  constructor(
    private readonly db: () => Db,
    private readonly options: QueueOptions,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  async enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    await this.enqueueMany([message], options);
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    const delay = options?.delay ? Math.max(0, options.delay.total({ unit: "millisecond" })) : 0;
    const availableAt = new Date(this.clock() + delay);
    await this.db().fediverseMessage.createMany({
      data: messages.map((message) => ({ id: randomUUID(), payload: JSON.stringify(message), availableAt })),
    });
    if (delay === 0) this.wake?.();
  }

  async getDepth() {
    const now = new Date(this.clock());
    const [queued, ready] = await Promise.all([
      this.db().fediverseMessage.count(),
      this.db().fediverseMessage.count({ where: { availableAt: { lte: now } } }),
    ]);
    return { queued, ready, delayed: queued - ready };
  }

  /**
   * Takes up to BATCH due messages for this worker; those another worker took first are skipped.
   * `more`: a whole batch was due, so more may be.
   */
  async claim(): Promise<{ rows: { id: string; payload: string; attempts: number }[]; more: boolean }> {
    const now = new Date(this.clock());
    const free = { OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] };
    const due = await this.db().fediverseMessage.findMany({
      where: { availableAt: { lte: now }, ...free },
      orderBy: { availableAt: "asc" },
      take: BATCH,
      select: { id: true, payload: true, attempts: true },
    });
    const claimed = [];
    for (const row of due) {
      const { count } = await this.db().fediverseMessage.updateMany({
        where: { id: row.id, ...free },
        data: { lockedUntil: new Date(now.getTime() + LEASE_MS), attempts: { increment: 1 } },
      });
      if (count === 1) claimed.push({ ...row, attempts: row.attempts + 1 });
    }
    return { rows: claimed, more: due.length === BATCH };
  }

  /** Handles what is due now, once; returns how many were handled (the tests drive the queue with it). */
  async drain(handler: (message: unknown) => Promise<void> | void): Promise<number> {
    let handled = 0;
    for (;;) {
      const { rows, more } = await this.claim();
      for (const row of rows) {
        await this.handle(row, handler);
        handled++;
      }
      if (!more) return handled;
    }
  }

  private async handle(
    row: { id: string; payload: string; attempts: number },
    handler: (message: unknown) => Promise<void> | void,
  ): Promise<void> {
    try {
      const message: unknown = JSON.parse(row.payload);
      await (this.route?.(message) ?? handler(message));
      await this.db().fediverseMessage.deleteMany({ where: { id: row.id } });
    } catch (error) {
      this.options.onError?.(error);
      if (row.attempts >= MAX_ATTEMPTS) {
        await this.db().fediverseMessage.deleteMany({ where: { id: row.id } });
        return;
      }
      const wait = RETRY_MS[Math.min(row.attempts - 1, RETRY_MS.length - 1)];
      await this.db().fediverseMessage.updateMany({
        where: { id: row.id },
        data: { lockedUntil: null, availableAt: new Date(this.clock() + wait) },
      });
    }
  }

  /** Polls until the signal aborts: at once when this process queued something, else every pollMs. */
  async listen(
    handler: (message: unknown) => Promise<void> | void,
    options?: MessageQueueListenOptions,
  ): Promise<void> {
    const signal = options?.signal;
    while (!signal?.aborted) {
      try {
        await this.drain(handler);
      } catch (error) {
        // The database away: try again at the next tick.
        this.options.onError?.(error);
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          this.wake = null;
          resolve();
        };
        const timer = setTimeout(done, this.options.pollMs);
        timer.unref?.();
        this.wake = done;
        signal?.addEventListener("abort", done, { once: true });
      });
    }
  }
}
