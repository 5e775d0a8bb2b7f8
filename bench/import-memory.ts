// The author's large files on a server started as on a machine with --memory of it: the backup of
// a site of --seeded comments downloaded and restored, then an import from Disqus of --comments
// comments uploaded, each through /admin (the defaults: near the 50 and 100 MB limits). Prints each step's time and
// the server's peak resident memory; tests/reliability/admin-files.ts does the steps and asserts
// the server lived and stored everything.
//   npx tsx bench/import-memory.ts [--memory 512M] [--comments 170000] [--seeded 90000]
import { parseArgs } from "node:util";
import { adminFiles } from "../tests/reliability/admin-files";

const { values } = parseArgs({
  options: {
    memory: { type: "string", default: "512M" },
    comments: { type: "string", default: "170000" },
    seeded: { type: "string", default: "90000" },
  },
});
const PORT = Number(process.env.BENCH_PORT ?? 3430);

const { limited } = await adminFiles(
  PORT,
  { memory: values.memory, importComments: Number(values.comments), seededComments: Number(values.seeded) },
  (step) => console.log(JSON.stringify(step)),
);
if (!limited) console.log("no memory cgroup could be made here (root on Linux): the server ran without a limit");
