// The load generator for the posting benchmark, run as a process of its own so that its work is
// not counted against the server: `tsx bench/post-client.ts <page-url> <clients> <total> <tag>`.
// Prints one JSON line: comments/s and latencies of the acknowledged posts.
import { commentStorm } from "../tests/reliability/support/load";

const [pageUrl, clients, total, tag] = process.argv.slice(2);
// A first burst on a cold server waits for the action's code and the database client to load
// (seconds, for the first few posts): the figures are for a server that has taken a few comments.
await commentStorm({ pageUrl, clients: Number(clients), total: 100, tag: `${tag}-warm-up` });
const result = await commentStorm({ pageUrl, clients: Number(clients), total: Number(total), tag });
const failures = result.sent
  .filter((s) => !s.acknowledged)
  .slice(0, 3)
  .map((s) => `${s.status} ${s.message}`);
console.log(JSON.stringify({ ...result, sent: undefined, failures }));
