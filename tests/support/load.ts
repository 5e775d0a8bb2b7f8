// A bounded comment storm: `clients` readers, each posting its share of `total` comments one after
// another from an address of its own, some as replies to `parents`. Every outcome is kept, so a
// test can compare what the readers were told with what the database holds.
import assert from "node:assert/strict";
import type { Db } from "./app";
import { percentile, postComment, readCommentForm, type PostOutcome } from "./poster";

export type StormOptions = {
  pageUrl: string;
  clients: number;
  total: number;
  /** Marks this storm's comments: each body starts with `${tag} ` and is unique. */
  tag: string;
  /** Comments to reply to: every third post answers one of them. */
  parents?: string[];
  /** Stops the storm early (the test has seen enough, or the server was killed), its posts under way abandoned. */
  signal?: AbortSignal;
  /** Stops the storm early, its posts under way answered first: once it resolves, the server has finished them. */
  finish?: AbortSignal;
  /** Called after each answer. */
  onOutcome?: (outcome: SentComment) => void;
};

export type SentComment = { body: string; parentId: string | null } & Omit<PostOutcome, "html">;

export type StormResult = {
  sent: SentComment[];
  seconds: number;
  acknowledged: number;
  perSecond: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
};

export async function commentStorm(options: StormOptions): Promise<StormResult> {
  const fields = await readCommentForm(options.pageUrl);
  // Every client connects before the storm starts, as browsers that have the page open would have.
  // Node accepts one new connection per turn of its event loop, and a turn of a saturated server
  // runs every pending request to its end (SQLite answers synchronously): 100 connections opened
  // in the same millisecond against a busy server wait for one another's accepts, up to a minute,
  // which measures Node's accept loop, not the comment path (see README, Performance).
  const robots = new URL("/robots.txt", options.pageUrl);
  await Promise.all(Array.from({ length: options.clients }, () => fetch(robots).then((r) => r.arrayBuffer())));
  const sent: SentComment[] = [];
  let next = 0;
  const started = performance.now();
  const client = async (index: number) => {
    const ip = `10.${Math.floor(index / 250)}.${index % 250}.${(Date.now() % 200) + 1}`;
    while (!options.signal?.aborted && !options.finish?.aborted) {
      const n = next++;
      if (n >= options.total) return;
      const parents = options.parents ?? [];
      const parentId = parents.length && n % 3 === 2 ? parents[n % parents.length] : null;
      const body = `${options.tag} comment ${n} from client ${index}: *fine* words and a [link](https://example.com/${n}).`;
      let outcome: SentComment;
      try {
        const { html: _page, ...answer } = await postComment(
          options.pageUrl,
          fields,
          { name: `Client ${index}`, body, parentId: parentId ?? undefined, ip },
          options.signal,
        );
        outcome = { body, parentId, ...answer };
      } catch (error) {
        outcome = { body, parentId, status: 0, acknowledged: false, message: (error as Error).message, ms: 0 };
      }
      sent.push(outcome);
      options.onOutcome?.(outcome);
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  return stormSummary(sent, started);
}

/** What a storm of `sent` posts, begun at `started` (performance.now()), came to. */
export function stormSummary<T extends { status: number; acknowledged: boolean; ms: number }>(
  sent: T[],
  started: number,
) {
  const seconds = (performance.now() - started) / 1000;
  const acked = sent.filter((s) => s.acknowledged);
  const statuses: Record<string, number> = {};
  for (const s of sent) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const latencies = acked.map((s) => s.ms);
  return {
    sent,
    seconds,
    acknowledged: acked.length,
    perSecond: acked.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    statuses,
  };
}

/** Every acknowledged comment is stored exactly once, on the article, under the comment it answered. */
export async function assertStored(
  db: Db,
  tag: string,
  storm: Pick<StormResult, "sent">,
  slug: string,
): Promise<string> {
  const rows = await db.comment.findMany({
    where: { body: { startsWith: `${tag} ` } },
    select: { body: true, parentId: true, articleSlug: true },
  });
  const stored = new Map<string, typeof rows>();
  for (const row of rows) stored.set(row.body, [...(stored.get(row.body) ?? []), row]);
  const duplicated = [...stored.values()].filter((copies) => copies.length > 1);
  assert.equal(
    duplicated.length,
    0,
    `${duplicated.length} comments stored more than once, e.g. ${duplicated[0]?.[0].body}`,
  );
  const acknowledged = storm.sent.filter((s) => s.acknowledged);
  const missing = acknowledged.filter((s) => !stored.has(s.body));
  assert.equal(missing.length, 0, `${missing.length} acknowledged comments are missing, e.g. ${missing[0]?.body}`);
  for (const sent of acknowledged) {
    const [row] = stored.get(sent.body)!;
    assert.equal(row.articleSlug, slug, `${sent.body} is on ${row.articleSlug}`);
    assert.equal(row.parentId, sent.parentId, `${sent.body} hangs under ${row.parentId}, not ${sent.parentId}`);
  }
  return `${acknowledged.length}/${storm.sent.length} acknowledged, ${rows.length} stored, none twice`;
}
