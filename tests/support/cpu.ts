// The CPU bound every input up to the size limits must stay under (the project's quality bar),
// and how the pathological-input tests measure it: CPU time, not wall time, so a busy machine
// does not fail them.

export const CPU_MAX_MS = 50;

/** The least CPU time of three calls after a warm-up, in ms. */
export function cpuMs(step: () => unknown): number {
  step();
  let least = Number.POSITIVE_INFINITY;
  for (let call = 0; call < 3; call++) {
    const start = process.cpuUsage();
    step();
    const { user, system } = process.cpuUsage(start);
    least = Math.min(least, (user + system) / 1000);
  }
  return least;
}

/**
 * The same for work that awaits (a child process, say). The process's CPU over an await includes
 * whatever else its event loop ran meanwhile (the test runner's own messages, a collection), so
 * one reading can be several times the work's own.
 */
export async function cpuMsAsync(step: () => unknown): Promise<number> {
  await step();
  let least = Number.POSITIVE_INFINITY;
  for (let call = 0; call < 3; call++) {
    const start = process.cpuUsage();
    await step();
    const { user, system } = process.cpuUsage(start);
    least = Math.min(least, (user + system) / 1000);
  }
  return least;
}
