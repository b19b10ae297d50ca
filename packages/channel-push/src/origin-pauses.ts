import type { Clock } from '@banditore/core';

/**
 * Per-origin pauses after a 429. The core pauses a whole channel (`pause-channel`) or defers one
 * recipient (`defer-recipient`), not a subset of recipients; Web Push subscribers of one channel
 * sit on several push services, and Mozilla throttling us says nothing about FCM. So the channel
 * answers a 429 with a deferral of that recipient and remembers the origin's wait: later sends to
 * the same origin are deferred for the rest of the wait without a request, while other origins
 * go on.
 */
export interface OriginPauses {
  /** Milliseconds left of the origin's pause, or 0. */
  remaining(origin: string): number;
  pause(origin: string, ms: number): void;
}

/**
 * Creates the pause table.
 *
 * @param clock - Time source.
 * @returns The table.
 */
export function createOriginPauses(clock: Clock): OriginPauses {
  const until = new Map<string, number>();
  return {
    remaining(origin) {
      const end = until.get(origin);
      if (end === undefined) return 0;
      const left = end - clock.now();
      if (left > 0) return left;
      until.delete(origin);
      return 0;
    },
    pause(origin, ms) {
      const end = clock.now() + ms;
      if ((until.get(origin) ?? 0) < end) until.set(origin, end);
    },
  };
}
