// Fedify's key-value store and message queue on the project's own database (lib/fediverse/
// kv-store.ts, message-queue.ts), on SQLite and PostgreSQL: values and their lifetimes, the
// compare-and-swap two instances race on, prefixes; messages that outlive the process that queued
// them, each handled once by one of two instances, delayed, retried, and taken over when the
// instance that claimed one stopped. The clock is injected: nothing here waits for time to pass.
import { Temporal } from "@js-temporal/polyfill";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/server/db";
import { PrismaKvStore, REMOTE_KEY_MS } from "@/lib/fediverse/kv-store";
import { PrismaMessageQueue } from "@/lib/fediverse/message-queue";
import { providers, withDatabase } from "../support/databases";

describe.each(providers)("the fediverse's store and queue on %s", (name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  let clock = Date.parse("2026-06-01T12:00:00Z");
  const now = () => clock;
  // A second instance: on PostgreSQL a client of its own; SQLite has one connection per process.
  let other: Db;
  beforeAll(() => {
    if (skipReason) return;
    other = name === "PostgreSQL" ? createDb(database.url) : database.db;
  });
  afterAll(async () => {
    if (!skipReason && other !== database.db) await other.$disconnect();
  });

  it.skipIf(skipReason)("keeps values by key until they expire, and lists a key's prefix only", async () => {
    const kv = new PrismaKvStore(() => database.db, now);
    await kv.set(["a", "b"], { n: 1 });
    await kv.set(["a", "c"], [1, "two"], { ttl: Temporal.Duration.from({ minutes: 5 }) });
    await kv.set(["ab"], "not under a");
    expect(await kv.get(["a", "b"])).toEqual({ n: 1 });
    expect(await kv.get(["a", "c"])).toEqual([1, "two"]);
    const listed = [];
    for await (const entry of kv.list(["a"])) listed.push(entry.key);
    expect(listed).toEqual([
      ["a", "b"],
      ["a", "c"],
    ]);
    clock += 5 * 60_000 + 1;
    expect(await kv.get(["a", "c"])).toBeUndefined();
    expect(await kv.sweep()).toBe(1);
    await kv.delete(["a", "b"]);
    expect(await kv.get(["a", "b"])).toBeUndefined();
  });

  it.skipIf(skipReason)("keeps a remote key a week when Fedify says nothing, and its own values for good", async () => {
    const kv = new PrismaKvStore(() => database.db, now);
    const key = ["_fedify", "publicKey", "https://anywhere.example/key-1"] as const;
    await kv.set(key, { id: "https://anywhere.example/key-1" });
    await kv.set(["_fedify", "publicKeys"], "not a key");
    clock += REMOTE_KEY_MS - 1;
    expect(await kv.get(key)).toEqual({ id: "https://anywhere.example/key-1" });
    clock += 2;
    expect(await kv.get(key)).toBeUndefined();
    expect(await kv.get(["_fedify", "publicKeys"])).toBe("not a key");
    expect(await kv.sweep()).toBe(1);
    await kv.delete(["_fedify", "publicKeys"]);
  });

  it.skipIf(skipReason)("lets exactly one of two instances win a compare-and-swap", async () => {
    const one = new PrismaKvStore(() => database.db, now);
    const two = new PrismaKvStore(() => other, now);
    const created = await Promise.all([one.cas(["lock"], undefined, "one"), two.cas(["lock"], undefined, "two")]);
    expect(created.filter(Boolean)).toHaveLength(1);
    const holder = await one.get<string>(["lock"]);
    const swapped = await Promise.all([one.cas(["lock"], holder, "three"), two.cas(["lock"], holder, "four")]);
    expect(swapped.filter(Boolean)).toHaveLength(1);
    expect(["three", "four"]).toContain(await two.get(["lock"]));
    expect(await one.cas(["lock"], "nothing like it", "five")).toBe(false);
  });

  it.skipIf(skipReason)("hands each queued message to one of two instances, once, after a restart too", async () => {
    // Queued by an instance that then stopped: the messages are rows, not memory.
    const before = new PrismaMessageQueue(() => database.db, { pollMs: 10, clock: now });
    await before.enqueueMany(Array.from({ length: 30 }, (_, i) => ({ n: i })));
    const seen: number[] = [];
    const handler = (message: unknown) => void seen.push((message as { n: number }).n);
    const one = new PrismaMessageQueue(() => database.db, { pollMs: 10, clock: now });
    const two = new PrismaMessageQueue(() => other, { pollMs: 10, clock: now });
    const [a, b] = await Promise.all([one.drain(handler), two.drain(handler)]);
    expect(a + b).toBe(30);
    expect(seen.toSorted((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(await one.getDepth()).toEqual({ queued: 0, ready: 0, delayed: 0 });
  });

  it.skipIf(skipReason)("keeps a delayed message until its time, and retries a failed one later", async () => {
    const queue = new PrismaMessageQueue(() => database.db, { pollMs: 10, clock: now });
    await queue.enqueue({ later: true }, { delay: Temporal.Duration.from({ seconds: 30 }) });
    const seen: unknown[] = [];
    expect(await queue.drain((m) => void seen.push(m))).toBe(0);
    clock += 30_000;
    expect(await queue.drain((m) => void seen.push(m))).toBe(1);
    expect(seen).toEqual([{ later: true }]);

    await queue.enqueue({ fails: true });
    let tries = 0;
    const failing = () => {
      tries++;
      throw new Error("the remote server is away");
    };
    expect(await queue.drain(failing)).toBe(1);
    // Not again at once: later, with backoff.
    expect(await queue.drain(failing)).toBe(0);
    clock += 10_000;
    expect(await queue.drain(() => undefined)).toBe(1);
    expect(tries).toBe(1);
    expect((await queue.getDepth()).queued).toBe(0);
  });

  it.skipIf(skipReason)(
    "gives a message claimed by an instance that stopped to another once its lease is over",
    async () => {
      const crashed = new PrismaMessageQueue(() => database.db, { pollMs: 10, clock: now });
      await crashed.enqueue({ orphan: true });
      expect((await crashed.claim()).rows).toHaveLength(1);
      const survivor = new PrismaMessageQueue(() => other, { pollMs: 10, clock: now });
      expect(await survivor.drain(() => undefined)).toBe(0);
      clock += 5 * 60_000 + 1;
      const seen: unknown[] = [];
      expect(await survivor.drain((m) => void seen.push(m))).toBe(1);
      expect(seen).toEqual([{ orphan: true }]);
    },
  );
});
