import { setImmediate as turn } from 'node:timers/promises';
import type { ManualClock } from '../testing/manual-clock.js';

/**
 * Advances a manual clock in steps, letting promises and I/O run between steps, until `until`
 * settles; fails when it has not settled after `maxMs` of manual time.
 *
 * @returns What `until` resolved to.
 */
export async function drive<T>(clock: ManualClock, until: Promise<T>, stepMs = 10, maxMs = 600_000): Promise<T> {
  let settled = false;
  const watched = until.finally(() => {
    settled = true;
  });
  const end = clock.now() + maxMs;
  while (!settled) {
    if (clock.now() >= end) throw new Error(`still pending after ${maxMs} ms of manual time`);
    await turn();
    await turn();
    if (!settled) clock.advance(stepMs);
  }
  return watched;
}

/** Lets pending promise callbacks and immediates run a few times. */
export async function settle(turns = 5): Promise<void> {
  for (let index = 0; index < turns; index++) await turn();
}

/** Resolves after `ms` of real time. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Lets `ms` of manual time pass in `stepMs` steps, running promise callbacks between steps. */
export async function elapse(clock: ManualClock, ms: number, stepMs = 1): Promise<void> {
  const end = clock.now() + ms;
  while (clock.now() < end) {
    clock.advance(Math.min(stepMs, end - clock.now()));
    await settle(2);
  }
}
