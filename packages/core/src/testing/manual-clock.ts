import type { Clock, TimerHandle } from '../util/clock.js';

/** A clock that only moves when told, for deterministic tests of time-dependent code. */
export interface ManualClock extends Clock {
  /** Moves time forward, firing due timers in order (and timers they schedule, if due). */
  advance(ms: number): void;
  /** Advances to the next pending timer and fires it; returns false when none is pending. */
  runNext(): boolean;
  /** How many timers are pending. */
  readonly pending: number;
}

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * Creates a {@link ManualClock} starting at `start` (ms since the epoch).
 *
 * @param start - Initial time. @defaultValue 2026-01-01T00:00:00Z
 * @example
 * ```ts
 * const clock = createManualClock()
 * clock.setTimeout(() => done(), 1000)
 * clock.advance(1000)
 * ```
 */
export function createManualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let now = start;
  let nextId = 1;
  let timers: Timer[] = [];
  const fireDue = (until: number): void => {
    for (;;) {
      const due = timers.filter((timer) => timer.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      timers = timers.filter((timer) => timer !== due);
      now = Math.max(now, due.at);
      due.callback();
    }
    now = until;
  };
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const timer = { id: nextId++, at: now + Math.max(0, ms), callback };
      timers.push(timer);
      return timer.id;
    },
    clearTimeout(handle: TimerHandle) {
      timers = timers.filter((timer) => timer.id !== handle);
    },
    advance(ms) {
      fireDue(now + ms);
    },
    runNext() {
      const next = [...timers].sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) return false;
      fireDue(next.at);
      return true;
    },
    get pending() {
      return timers.length;
    },
  };
}
