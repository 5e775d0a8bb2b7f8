import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  broadcastContentChanged,
  broadcastRulesChanged,
  CACHE_CHANNEL,
  cacheChannelStatus,
  rulesEpoch,
  setContentListener,
  startCacheChannel,
} from "@/lib/server/cache-channel";
import { closeAll } from "@/lib/server/lifecycle";
import { cachedPage, forgetPages, PLACEHOLDER } from "@/lib/server/page-cache";
import { createTemporaryDatabase } from "@/scripts/lib/schema-engine";
import { POSTGRES_SERVER_URL, providers } from "../support/databases";
import { waitUntil } from "../support/wait";

// The page cache's channel between instances (lib/server/cache-channel.ts), on a PostgreSQL
// database of its own, with a second connection standing in for another instance: its change drops
// the page here (and renders it again), a change here reaches it, and a lost connection comes back
// by itself, dropping every page kept meanwhile and telling the others what it could not tell. It
// also carries word that content/ changed (lib/server/content-live.ts), both ways.

const [, , skipReason] = providers[1];
type Message = { from: string; slugs: string[] | null; rules?: boolean; content?: boolean };

describe.skipIf(skipReason)("the page cache channel on PostgreSQL", () => {
  let database: Awaited<ReturnType<typeof createTemporaryDatabase>> | undefined;
  let other: pg.Client | undefined;
  const heard: Message[] = [];
  let renders = 0;
  const render = async () => {
    renders++;
    return new Response(`<p>${PLACEHOLDER.token}</p>`);
  };
  /** Another instance's notification. */
  const notify = (message: Message) =>
    other!.query("SELECT pg_notify($1, $2)", [CACHE_CHANNEL, JSON.stringify(message)]);
  const listening = () => waitUntil("the channel to listen", () => cacheChannelStatus() === "listening", 20_000, 10);

  beforeAll(async () => {
    database = await createTemporaryDatabase(POSTGRES_SERVER_URL, "marginalia_channel");
    // The channel runs where the page cache does: in production, on PostgreSQL.
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("DATABASE_URL", database.url);
    other = new pg.Client(database.url);
    await other.connect();
    await other.query(`LISTEN ${CACHE_CHANNEL}`);
    other.on("notification", (notification) => heard.push(JSON.parse(notification.payload!) as Message));
    startCacheChannel();
    await listening();
  });

  afterAll(async () => {
    await closeAll(5_000);
    await other?.end();
    await database?.drop();
    vi.unstubAllEnvs();
  });

  it("drops a page another instance changed and renders it again at once; every page and the rules with null", async () => {
    await cachedPage("told-article", render);
    const before = renders;
    await notify({ from: "another-instance", slugs: ["told-article"] });
    await waitUntil("the page rendered again", () => renders === before + 1, 10_000, 10);
    const epoch = rulesEpoch()!;
    await notify({ from: "another-instance", slugs: null });
    await waitUntil("the rules read again", () => rulesEpoch() === epoch + 1, 10_000, 10);
  });

  it("tells the others of the changes here, those made together in one or a few notifications", async () => {
    heard.length = 0;
    for (const slug of ["one", "two", "three"]) forgetPages(slug);
    await waitUntil("the changes told", () => heard.flatMap((m) => m.slugs ?? []).length === 3, 10_000, 10);
    expect(new Set(heard.flatMap((m) => m.slugs ?? []))).toEqual(new Set(["one", "two", "three"]));
    expect(heard.length).toBeLessThan(3);
    expect(new Set(heard.map((m) => m.from)).size).toBe(1);
    heard.length = 0;
    await broadcastRulesChanged();
    await waitUntil("the rules change told", () => heard.some((m) => m.rules === true), 10_000, 10);
  });

  it("carries word that content/ changed: another's makes this instance look at its copy; its own reaches the others", async () => {
    let looked = 0;
    setContentListener(() => looked++);
    await notify({ from: "another-instance", slugs: [], content: true });
    await waitUntil("content/ looked at", () => looked === 1, 10_000, 10);
    heard.length = 0;
    broadcastContentChanged();
    await waitUntil("the content change told", () => heard.some((m) => m.content === true), 10_000, 10);
    expect(heard.find((m) => m.content)).toMatchObject({ slugs: [] });
    // This instance's own word is not for itself.
    expect(looked).toBe(1);
    setContentListener(undefined);
  });

  it("comes back after its connection is lost, drops the pages kept, and tells the others what it missed", async () => {
    const at = Date.now();
    const still = () => at; // only a drop renders the page again, not PAGE_CACHE_SECONDS passing
    await cachedPage("kept-article", render, still);
    const before = renders;
    heard.length = 0;
    await other!.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
      ["marginalia page cache channel"],
    );
    await waitUntil("the loss noticed", () => cacheChannelStatus() === "reconnecting", 10_000, 5);
    forgetPages("changed-meanwhile"); // cannot be told now
    await listening();
    await waitUntil("everyone told to drop everything", () => heard.some((m) => m.slugs === null), 10_000, 10);
    await cachedPage("kept-article", render, still);
    expect(renders).toBe(before + 1);
  });
});
