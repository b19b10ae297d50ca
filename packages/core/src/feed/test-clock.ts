import type { Clock, TimerHandle } from '../util/clock.js';

/** A clock for tests: time moves only when `advance()` is called, firing due timers in order. */
export interface TestClock extends Clock {
  advance(ms: number): void;
  /** Timers waiting to fire. */
  pending(): number;
}

/**
 * Creates a {@link TestClock} starting at `startMs`. Not exported from the package: feed tests only.
 *
 * @param startMs - Initial time, ms since the epoch.
 * @returns The clock.
 */
export function createTestClock(startMs = Date.parse('2025-03-01T08:00:00Z')): TestClock {
  let now = startMs;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout(callback, ms): TimerHandle {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    pending: () => timers.size,
    advance(ms) {
      const target = now + ms;
      for (;;) {
        let dueId: number | undefined;
        let dueAt = Infinity;
        for (const [id, timer] of timers) if (timer.at <= target && timer.at < dueAt) [dueId, dueAt] = [id, timer.at];
        if (dueId === undefined) break;
        const timer = timers.get(dueId)!;
        timers.delete(dueId);
        now = Math.max(now, timer.at);
        timer.callback();
      }
      now = target;
    },
  };
}
