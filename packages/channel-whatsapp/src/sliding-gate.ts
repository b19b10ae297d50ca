import type { Clock, RateGate, TimerHandle } from '@banditore/core';

/**
 * A sliding-window gate anchored on when each request is over: request k may go once request
 * k − limit has been answered (or has timed out) and a whole window has passed since — the latest
 * moment it can have arrived at Meta, so no window of *arrivals* ever holds more than `limit`,
 * whatever the event-loop delay before a write. An unanswered request counts as arrived
 * `inFlightBoundMs` after its grant (1 s: longer than the broadcaster's own gate assumes, because
 * a reply and a broadcast request can share one process with a stalled event loop, where a late
 * answer does mean a late arrival). One timer, set for the next due time; a `settle` releases
 * waiters at once when it frees a slot.
 *
 * @param limit - Requests per window.
 * @param windowMs - The window (Meta counts per second).
 * @param clock - Time and timers.
 * @param inFlightBoundMs - When an unanswered request is taken to have arrived.
 * @returns The gate.
 */
export function createSlidingGate(limit: number, windowMs: number, clock: Clock, inFlightBoundMs = 1_000): RateGate {
  // Per slot (ticket − 1) mod limit: when that request was over (+Infinity while in flight).
  const over = new Float64Array(limit).fill(-Infinity);
  const grantedAt = new Float64Array(limit);
  const waiters: Array<(ticket: number) => void> = [];
  let issued = 0;
  let pausedUntil = 0;
  let timer: TimerHandle | undefined;

  /** When the request `limit` grants ago has left the window. */
  const freeAt = (): number => {
    const slot = issued % limit;
    const end = over[slot]!;
    return (end === Infinity ? grantedAt[slot]! + inFlightBoundMs : end) + windowMs;
  };
  const grant = (now: number): number => {
    const slot = issued % limit;
    over[slot] = Infinity;
    grantedAt[slot] = now;
    return ++issued;
  };
  const due = (now: number): boolean => now >= pausedUntil && freeAt() <= now;
  const release = (): void => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    const now = clock.now();
    while (waiters.length > 0 && due(now)) waiters.shift()!(grant(now));
    if (waiters.length === 0) return;
    timer = clock.setTimeout(release, Math.max(0, Math.ceil(Math.max(pausedUntil, freeAt()) - now)));
  };
  /** The slot of a ticket still tracked (one of the last `limit` grants), else `undefined`. */
  const slotOf = (ticket: number): number | undefined =>
    ticket > 0 && ticket > issued - limit && ticket <= issued ? (ticket - 1) % limit : undefined;

  return {
    acquire() {
      const now = clock.now();
      if (waiters.length === 0 && due(now)) return grant(now);
      return new Promise<number>((resolve) => {
        waiters.push(resolve);
        if (waiters.length === 1) release();
      });
    },
    settle(ticket) {
      const slot = slotOf(ticket);
      if (slot === undefined || over[slot] !== Infinity) return;
      over[slot] = Math.min(clock.now(), grantedAt[slot]! + inFlightBoundMs);
      if (waiters.length > 0) release();
    },
    refund(ticket) {
      const slot = slotOf(ticket);
      if (slot === undefined) return;
      over[slot] = -Infinity;
      if (waiters.length > 0) release();
    },
    pauseUntil(time) {
      if (time <= pausedUntil) return;
      pausedUntil = time;
      if (waiters.length > 0) release();
    },
    get pausedUntil() {
      return pausedUntil > clock.now() ? pausedUntil : 0;
    },
    get waiting() {
      return waiters.length;
    },
    close() {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
