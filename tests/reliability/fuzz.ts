// Hostile input: generated bodies (random text and bytes, invalid UTF-8, markdown bombs, thousands
// of links, null bytes, huge or missing fields, wrong types) sent to the comment form's action and
// to the JSON API. Never a 5xx; everything stored still meets the comment rules; memory stays bounded.
import assert from "node:assert/strict";
import fs from "node:fs";
import fc from "fast-check";
import { commentInputSchema } from "@/lib/comments/validation";
import { countLinks } from "@/lib/content/comment-markdown";
import { freshSqlite, loadEnv, openDb, startServer } from "../support/app";
import { mintToken, readCommentForm } from "../support/poster";
import { articlePath, commentsApiPath } from "@/lib/routes";

const SLUG = "field-note-08";

const repeat = (unit: string, times: number) => unit.repeat(times);
const bomb = fc.oneof(
  fc.integer({ min: 1, max: 6_000 }).map((n) => `${repeat(">", n)} deep`),
  fc.integer({ min: 1, max: 3_000 }).map((n) => `${repeat("[", n)}x${repeat("](http://a.example)", n)}`),
  fc.integer({ min: 1, max: 5_000 }).map((n) => repeat("*_", n)),
  fc
    .integer({ min: 1, max: 1_000 })
    .map((n) => Array.from({ length: n }, (_, i) => `${repeat("  ", i)}- item`).join("\n")),
  fc.integer({ min: 1, max: 2_000 }).map((n) => repeat("https://x.example/ ", n)),
  fc.integer({ min: 1, max: 2_000 }).map((n) => repeat("[l](https://x.example) ", n)),
  fc.integer({ min: 1, max: 3_000 }).map((n) => repeat("`", n) + repeat("<", n)),
  fc.integer({ min: 1, max: 5_000 }).map((n) => repeat("\u0000", n)),
  fc.integer({ min: 1, max: 2_000 }).map((n) => repeat("\u202e\u0007\u001b[31m", n)),
  fc.constant("<script>alert(1)</script><img src=x onerror=alert(1)>[x](javascript:alert(1))"),
);
const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 6_000 }),
  fc.string({ maxLength: 200 }),
  bomb,
  fc.constant(""),
);
/** A field's value: text, raw bytes (often invalid UTF-8), a huge text, or absent. */
const value = fc.oneof(
  // Plausible words mixed with hostile text, so that many cases are stored and then checked.
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.lorem({ maxCount: 12 }), text)
      .map(([words, odd]) => ({ kind: "text" as const, s: `${words} ${odd.slice(0, 300)}` })),
  },
  { weight: 6, arbitrary: text.map((s) => ({ kind: "text" as const, s })) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 4_000 }).map((b) => ({ kind: "bytes" as const, b })) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 60_000, max: 200_000 }).map((n) => ({ kind: "text" as const, s: "a".repeat(n) })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "absent" as const }) },
);
const actionCase = fc.record({
  name: value,
  body: value,
  token: fc.oneof(fc.constant("fresh"), fc.constant("absent"), fc.string({ maxLength: 100 })),
  parentId: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 80 })),
  // Usually the form's own fields; sometimes some of them cut (a tampered or truncated form).
  dropHidden: fc.oneof(
    { weight: 3, arbitrary: fc.constant([] as string[]) },
    { weight: 1, arbitrary: fc.subarray(["$ACTION_REF_1", "$ACTION_1:0", "$ACTION_1:1", "$ACTION_KEY", "slug"]) },
  ),
  intent: fc.constantFrom(undefined, "preview"),
  // Now and then not a form at all: random bytes under a multipart content type.
  raw: fc.oneof(
    { weight: 7, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 3_000 }) },
  ),
});
const jsonValue = fc.oneof(
  text,
  fc.integer(),
  fc.constant(null),
  fc.array(fc.string()),
  fc.dictionary(fc.string(), fc.string()),
  fc.boolean(),
);
const apiCase = fc.record(
  { name: jsonValue, body: jsonValue, token: fc.oneof(jsonValue, fc.constant("fresh")), parentId: jsonValue },
  { requiredKeys: [] },
);

const fieldBlob = (field: { kind: "text"; s: string } | { kind: "bytes"; b: Uint8Array }) =>
  field.kind === "text" ? field.s : new Blob([new Uint8Array(field.b)]);

/** Resident memory of the server's process group, in MB. */
function groupRssMb(pgid: number): number {
  let kb = 0;
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) !== pgid) continue;
      kb += Number(fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

export async function fuzzCommentAction(port: number, runs: number): Promise<string> {
  const url = freshSqlite("reliability-fuzz");
  const server = await startServer(port, loadEnv(url), "data/reliability-fuzz.log");
  const db = openDb(url);
  const pageUrl = `${server.url}${articlePath(SLUG)}`;
  const apiUrl = `${server.url}${commentsApiPath(SLUG)}`;
  const statuses: Record<number, number> = {};
  let slowest = 0;
  const count = (status: number, ms: number) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    slowest = Math.max(slowest, ms);
    assert.ok(status < 500, `answered ${status}`);
  };
  try {
    const fields = await readCommentForm(pageUrl);
    const rssBefore = groupRssMb(server.pid);
    let ip = 0;
    await fc.assert(
      fc.asyncProperty(actionCase, async (input) => {
        const headers: Record<string, string> = {
          origin: server.url,
          "x-forwarded-for": `10.77.${(ip >> 8) & 255}.${ip++ & 255}`,
        };
        let body: FormData | Blob;
        if (input.raw) {
          body = new Blob([new Uint8Array(input.raw)]);
          headers["content-type"] = "multipart/form-data; boundary=----fuzz";
        } else {
          const form = new FormData();
          for (const [name, v] of Object.entries(fields)) if (!input.dropHidden.includes(name)) form.set(name, v);
          if (input.token !== "absent") form.set("token", input.token === "fresh" ? mintToken() : input.token);
          if (input.name.kind !== "absent") form.set("name", fieldBlob(input.name));
          if (input.body.kind !== "absent") form.set("body", fieldBlob(input.body));
          if (input.parentId !== undefined) form.set("parentId", input.parentId);
          if (input.intent) form.set("intent", input.intent);
          body = form;
        }
        const started = performance.now();
        const response = await fetch(pageUrl, { method: "POST", body, headers, redirect: "manual" });
        await response.arrayBuffer();
        count(response.status, performance.now() - started);
      }),
      { numRuns: runs },
    );
    await fc.assert(
      fc.asyncProperty(apiCase, async (input) => {
        const payload = { ...input, token: input.token === "fresh" ? mintToken() : input.token };
        const started = performance.now();
        const response = await fetch(apiUrl, {
          method: "POST",
          body: JSON.stringify(payload),
          headers: { "content-type": "application/json", "x-forwarded-for": `10.78.${(ip >> 8) & 255}.${ip++ & 255}` },
        });
        await response.arrayBuffer();
        count(response.status, performance.now() - started);
      }),
      { numRuns: Math.ceil(runs / 3) },
    );
    // A huge body with no Content-Length (chunked) gets past the proxy's check: Next's own limit
    // must still refuse it without a server error.
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(new TextEncoder().encode("x".repeat(8192)));
        controller.close();
      },
    });
    const chunked = await fetch(pageUrl, {
      method: "POST",
      body: chunks,
      headers: { origin: server.url, "content-type": "multipart/form-data; boundary=----x" },
      duplex: "half",
    } as RequestInit);
    await chunked.arrayBuffer();
    count(chunked.status, 0);

    const rows = await db.comment.findMany({ select: { authorName: true, body: true } });
    for (const row of rows) {
      const clean = commentInputSchema.safeParse({ name: row.authorName, body: row.body });
      assert.ok(clean.success, `a stored comment breaks the rules: ${JSON.stringify(row).slice(0, 200)}`);
      assert.deepEqual(
        clean.data,
        { name: row.authorName, body: row.body, parentId: null },
        "a stored comment was not cleaned",
      );
      assert.ok(countLinks(row.body) <= 5);
    }
    const rssAfter = groupRssMb(server.pid);
    assert.ok(
      rssAfter < 1_500 && rssAfter - rssBefore < 400,
      `memory grew from ${rssBefore.toFixed(0)} MB to ${rssAfter.toFixed(0)} MB`,
    );
    const page = await fetch(pageUrl);
    assert.equal(page.status, 200, "the article after the fuzzing");
    return `statuses ${JSON.stringify(statuses)}; ${rows.length} stored, all within the rules; slowest ${slowest.toFixed(0)} ms; server RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MB`;
  } finally {
    server.stop();
    await db.$disconnect();
  }
}
