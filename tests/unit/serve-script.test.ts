import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { expect, it } from "vitest";

// scripts/serve.sh starts the server for `npm start`, the systemd unit, the tests and the bench. Here
// node is given --eval (through NODE_FLAGS) so it reports how it was started instead of serving.
const REPORT =
  "--eval=process.stdout.write(JSON.stringify({flags:process.execArgv.filter(f=>!f.startsWith('--eval')),args:process.argv.slice(1),jemalloc:require('fs').readFileSync('/proc/self/maps','utf8').includes('libjemalloc')}))";

function started(env: Record<string, string> = {}) {
  const out = execFileSync("sh", ["scripts/serve.sh", "--port", "3999"], {
    env: { ...process.env, LD_PRELOAD: "", MALLOC_CONF: "", NODE_FLAGS: REPORT, ...env },
    encoding: "utf8",
  });
  return JSON.parse(out) as { flags: string[]; args: string[]; jemalloc: boolean };
}

const installed = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"].some((dir) =>
  fs.existsSync(`${dir}/libjemalloc.so.2`),
);

it("runs the compiled server with its young generation bounded, passing the server its arguments", () => {
  const { flags, args } = started();
  expect(flags).toEqual(["--max-semi-space-size=8"]);
  expect(args).toEqual([".next/marginalia-server.mjs", "--port", "3999"]);
});

it.skipIf(!installed)("gives the server jemalloc where the system has it, unless told not to", () => {
  expect(started().jemalloc).toBe(true);
  expect(started({ MARGINALIA_JEMALLOC: "off" }).jemalloc).toBe(false);
});
