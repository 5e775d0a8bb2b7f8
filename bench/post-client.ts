// The load generator for the posting benchmarks, run as a process of its own so that its work is
// not counted against the server: `tsx bench/post-client.ts <form|action|api> <page-url> <clients> <total> <tag>`.
// "form" posts as the comment form does without JavaScript (a multipart POST answered with a 303),
// "action" the same to the server action (see below), "api" JSON to the article's comments API
// (answered with a 201). Prints one JSON line:
// comments/s and latencies of the acknowledged posts, and the first few failures.
import { commentStorm, stormSummary } from "../tests/support/load";
import { mintToken } from "../tests/support/poster";
import { commentsApiPath } from "../lib/routes";

const [mode, pageUrl, clients, total, tag] = process.argv.slice(2);

/** `clients` scripts posting `total` comments through the JSON API, each from an address of its own. */
async function apiStorm(options: { pageUrl: string; clients: number; total: number; tag: string }) {
  const page = new URL(options.pageUrl);
  const slug = decodeURIComponent(page.pathname.split("/").at(-1)!);
  const url = new URL(commentsApiPath(slug), page);
  // Connected first, as the form's storm does (see tests/support/load.ts).
  const robots = new URL("/robots.txt", page);
  await Promise.all(Array.from({ length: options.clients }, () => fetch(robots).then((r) => r.arrayBuffer())));
  const sent: { status: number; acknowledged: boolean; message: string; ms: number }[] = [];
  let next = 0;
  const started = performance.now();
  const client = async (index: number) => {
    const ip = `10.${Math.floor(index / 250)}.${index % 250}.${(Date.now() % 200) + 1}`;
    for (let n = next++; n < options.total; n = next++) {
      const body = `${options.tag} comment ${n} from script ${index}: *fine* words and a [link](https://example.com/${n}).`;
      const begun = performance.now();
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": ip },
          body: JSON.stringify({ name: `Script ${index}`, body, token: mintToken(), website: "" }),
        });
        const text = await response.text();
        sent.push({
          status: response.status,
          acknowledged: response.status === 201,
          message: text.slice(0, 200),
          ms: performance.now() - begun,
        });
      } catch (error) {
        sent.push({ status: 0, acknowledged: false, message: (error as Error).message, ms: 0 });
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  return stormSummary(sent, started);
}

// "action": the form's post as server.ts leaves it to the server action (lib/comments/form-post.ts),
// which is how every post without JavaScript was answered before; here by an admin cookie that
// names no session (the action then finds no author and posts as a reader).
if (mode === "action") {
  const plain = globalThis.fetch;
  globalThis.fetch = ((input: RequestInfo | URL, init: RequestInit = {}) =>
    plain(
      input,
      init.method === "POST"
        ? { ...init, headers: { ...(init.headers as Record<string, string>), cookie: "mg_admin=no-session" } }
        : init,
    )) as typeof fetch;
}
const storm = mode === "api" ? apiStorm : commentStorm;
// A first burst on a cold server waits for the code and the database client to load (seconds, for
// the first few posts), and the posting code runs slower until V8 has compiled it for what it
// does (a second run of 2,000 posts on one server took a quarter less CPU than the first, after
// 100): the figures are for a server in its stride, after BENCH_WARMUP_POSTS (default 1,000).
await storm({
  pageUrl,
  clients: Number(clients),
  total: Number(process.env.BENCH_WARMUP_POSTS ?? 1000),
  tag: `${tag}-warm-up`,
});
// The parent process samples the server's CPU time between these two lines.
console.log("warm");
await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
const result = await storm({ pageUrl, clients: Number(clients), total: Number(total), tag });
const failures = (result.sent as { acknowledged: boolean; status: number; message: string }[])
  .filter((s) => !s.acknowledged)
  .slice(0, 3)
  .map((s) => `${s.status} ${s.message}`);
console.log(JSON.stringify({ ...result, sent: undefined, failures }));
process.exit(0);
