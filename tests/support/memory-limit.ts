// A server started as on a smaller machine: the benchmarks' --memory, the reliability suite's
// check of the author's large files.
import fs from "node:fs";

/**
 * `command` run as on a machine with `limit` of memory ("512M", "1G"): in a memory cgroup of that
 * size (root only; cgroup v2, or v1's memory controller). Node sizes V8's heap from the smaller of
 * the machine's memory and its cgroup's (a quarter of it, times two on 64 bits: 259 MB of old
 * generation at 512M, 560 at 1G, 4 GB here), and V8 grows a heap under 1 GB by a smaller factor:
 * the server behaves as it would on that machine, without a flag of ours.
 */
export function inMemoryLimit(limit: string, [program, ...args]: string[]): string[] {
  const name = `marginalia-${limit}`;
  const v2 = fs.existsSync("/sys/fs/cgroup/cgroup.controllers");
  const dir = v2 ? `/sys/fs/cgroup/${name}` : `/sys/fs/cgroup/memory/${name}`;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(`${dir}/${v2 ? "memory.max" : "memory.limit_in_bytes"}`, limit);
  } catch (error) {
    throw new Error(`a memory limit needs a writable memory cgroup (root on Linux): ${(error as Error).message}`);
  }
  // The shell joins the group, then becomes the server: its pid stays the one the bench watches.
  return ["sh", "-c", `echo $$ > ${dir}/cgroup.procs && exec "$0" "$@"`, program, ...args];
}
