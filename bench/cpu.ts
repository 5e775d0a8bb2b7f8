// CPU time of a server, read from /proc: the utime+stime of every process in its process group
// (startServer runs server.ts detached, so tsx and the node process it starts share the group).
// Sampled before and after a load, divided by the requests answered: the CPU cost per request,
// which stays meaningful on a machine shared with other work when requests/s do not.
import fs from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on Linux for every architecture (getconf CLK_TCK)

/** CPU milliseconds (user + system) used so far by the processes of group `pgid`; null off Linux. */
export function groupCpuMs(pgid: number): number | null {
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  let ticks = 0;
  for (const pid of entries) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
    if (Number(fields[2]) !== pgid) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** Runs `load` and returns its result with the server's CPU ms per answered request (`pgid` null: none). */
export async function withCpu<T>(
  pgid: number | null,
  load: () => Promise<T>,
  requests: (result: T) => number,
): Promise<T & { cpuMs: number | null }> {
  const before = pgid === null ? null : groupCpuMs(pgid);
  const result = await load();
  const after = pgid === null ? null : groupCpuMs(pgid);
  const count = requests(result);
  const cpuMs = before === null || after === null || count === 0 ? null : (after - before) / count;
  return { ...result, cpuMs };
}
