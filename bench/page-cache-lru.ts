// `npx tsx bench/page-cache-lru.ts`: the page cache's LRU (lib/server/page-cache.ts, lru-cache)
// against the hand-written one it replaced (a Map with byte accounting, copied below as it was),
// on what a reader's request asks of it: a hit (a kept page, fresh, moved up as served), a miss
// (not found, the rendered page kept, and another dropped as a comment changes) and an eviction
// (a page kept in a full cache, the least recently served going). Each store is driven the way
// cachedPage drives it, with MAX_PAGES pages of 50 KB (under MAX_BYTES: the count bounds them).
// Then real cachedPage hits: what a request pays, its promise included. Prints millions of
// operations per second, the median of BENCH_ROUNDS (default 7) runs; not a test, nothing written:
// docs/performance.md quotes a run.
import os from "node:os";
import type { LRUCache } from "lru-cache";
import { cachedPage, forgetPages, MAX_BYTES, MAX_PAGES, newPages, PLACEHOLDER } from "../lib/server/page-cache";

type Entry = NonNullable<Awaited<ReturnType<typeof cachedPage>>>;
type Store = {
  lookUp: (slug: string) => Entry | undefined;
  keep: (slug: string, entry: Entry) => void;
  forget: (slug: string) => void;
};

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const OPERATIONS = 1_000_000;
/** Long enough that no page grows stale during a run: the fresh hit is what is measured. */
const TTL_MS = 3_600_000;
const PAGE = `<main><input value="${PLACEHOLDER.token}">${"<p>A comment.</p>".repeat(3_000)}</main>`;
const SLUGS = Array.from({ length: 4 * MAX_PAGES }, (_, i) => `article-${i}`);

/** lru-cache as page-cache.ts builds and reads it (its clock swapped in around each look). */
function lruStore(): Store {
  const state = { clock: Date.now };
  const pages = newPages({ now: () => state.clock() });
  return {
    lookUp(slug) {
      state.clock = Date.now;
      const fresh = pages.get(slug, { allowStale: false });
      const found: LRUCache.Status<string, Entry> = {};
      const entry = fresh ?? pages.get(slug, { status: found });
      state.clock = Date.now;
      if (entry) entry.servedAt = Date.now();
      return fresh;
    },
    keep: (slug, entry) => void pages.set(slug, entry, { ttl: TTL_MS, start: Date.now() }),
    forget: (slug) => void pages.delete(slug),
  };
}

/** The hand-written LRU as page-cache.ts had it: insertion order of a Map, moved up on each hit. */
function mapStore(): Store {
  const entries = new Map<string, Entry & { storedAt: number }>();
  let bytes = 0;
  const drop = (slug: string) => {
    const entry = entries.get(slug);
    if (!entry) return;
    entries.delete(slug);
    bytes -= entry.bytes;
  };
  return {
    lookUp(slug) {
      const entry = entries.get(slug);
      const age = entry ? Date.now() - entry.storedAt : Infinity;
      if (entry) {
        entries.delete(slug);
        entries.set(slug, entry);
        entry.servedAt = Date.now();
      }
      return entry && age < TTL_MS ? entry : undefined;
    },
    keep(slug, entry) {
      drop(slug);
      // (Its render set storedAt.)
      entries.set(slug, Object.assign(entry, { storedAt: Date.now() }));
      bytes += entry.bytes;
      for (const oldest of entries.keys()) {
        if (entries.size <= MAX_PAGES && bytes <= MAX_BYTES) break;
        drop(oldest);
      }
    },
    forget: drop,
  };
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Operations per second of `run` (which makes `OPERATIONS` of them) on each store made by `setUp`,
 * the median of ROUNDS. The stores take turns, each going first every other round: whatever else the
 * machine runs weighs on both alike.
 */
function perSecond(setUps: (() => Store)[], run: (store: Store) => void): number[] {
  const rates: number[][] = setUps.map(() => []);
  for (let round = 0; round <= ROUNDS; round++) {
    const order = round % 2 === 0 ? setUps.keys() : [...setUps.keys()].reverse();
    for (const which of order) {
      const store = setUps[which]();
      const began = performance.now();
      run(store);
      // The first round warms the JIT up and is not counted.
      if (round > 0) rates[which].push(OPERATIONS / ((performance.now() - began) / 1000));
    }
  }
  return rates.map(median);
}

async function main(): Promise<void> {
  // For cachedPage too (it reads PAGE_CACHE_SECONDS on each keep): no page stale during the run.
  process.env.PAGE_CACHE_SECONDS = String(TTL_MS / 1000);
  const render = async () => new Response(PAGE, { headers: { "content-type": "text/html" } });
  const page = (await cachedPage("bench-page", render))!;
  const full = (make: () => Store) => () => {
    const store = make();
    for (const slug of SLUGS.slice(0, MAX_PAGES)) store.keep(slug, { ...page });
    return store;
  };
  const workloads: [string, (make: () => Store) => () => Store, (store: Store) => void][] = [
    // Readers spread over every kept page, in a stride that is no order the LRU keeps.
    [
      "hit",
      full,
      (store) => {
        for (let i = 0; i < OPERATIONS; i++) store.lookUp(SLUGS[(i * 7) % MAX_PAGES]);
      },
    ],
    // A page not kept: looked up, then kept; and the one kept MAX_PAGES / 2 before dropped, as
    // its comments change, so that the cache stays half full and nothing is evicted.
    [
      "miss",
      (make) => make,
      (store) => {
        for (let i = 0; i < OPERATIONS; i++) {
          const slug = SLUGS[i % SLUGS.length];
          if (!store.lookUp(slug)) store.keep(slug, page);
          store.forget(SLUGS[(i + SLUGS.length - MAX_PAGES / 2) % SLUGS.length]);
        }
      },
    ],
    // A page kept in a full cache: the least recently served goes each time.
    [
      "eviction",
      full,
      (store) => {
        for (let i = 0; i < OPERATIONS; i++) store.keep(SLUGS[MAX_PAGES + (i % (3 * MAX_PAGES))], page);
      },
    ],
  ];
  console.log(
    `page cache LRU, ${os.cpus().length} cores, Node ${process.version}, ${(page.bytes / 1024).toFixed(0)} KB pages,`,
  );
  console.log(
    `${MAX_PAGES} kept, median of ${ROUNDS} runs of ${OPERATIONS.toLocaleString("en")} operations (millions/s):`,
  );
  for (const [name, setUp, run] of workloads) {
    const [lru, map] = perSecond([setUp(lruStore), setUp(mapStore)], run);
    const ratio = (lru / map).toFixed(2);
    console.log(
      `  ${name.padEnd(9)} lru-cache ${(lru / 1e6).toFixed(2)}  hand-written ${(map / 1e6).toFixed(2)}  (${ratio}×)`,
    );
  }
  // What a reader's request pays of it: cachedPage itself, a promise each, from lru-cache.
  forgetPages();
  for (const slug of SLUGS.slice(0, MAX_PAGES)) await cachedPage(slug, render);
  const began = performance.now();
  for (let i = 0; i < OPERATIONS; i++) await cachedPage(SLUGS[(i * 7) % MAX_PAGES], render);
  const rate = OPERATIONS / ((performance.now() - began) / 1000);
  console.log(`  cachedPage hits, awaited one by one: ${(rate / 1e6).toFixed(2)} millions/s`);
}

void main();
