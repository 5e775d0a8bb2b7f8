// Waiting for something to happen rather than for a time: a condition polled until it holds. The
// deadline only bounds a test that would otherwise hang; it measures nothing, so it is generous
// (tens of seconds: a loaded two-core CI machine starts a server or drains a queue slowly).
import { setTimeout as sleep } from "node:timers/promises";

/** Polls `condition` every `intervalMs` until it holds; fails naming `what` once `timeoutMs` has passed. */
export async function waitUntil(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s for ${what}, in vain`);
    await sleep(intervalMs);
  }
}
