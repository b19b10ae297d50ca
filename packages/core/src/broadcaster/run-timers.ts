import type { Clock, TimerHandle } from '../util/clock.js';

/**
 * Longest wait before the expiry is checked again, in ms. Timers run on monotonic time while the
 * expiry is wall time: after a step of the wall clock (+8 h), the run must notice within this.
 */
const EXPIRY_CHECK_MS = 1_000;

/** What a run does on its timers. */
export interface RunTimerHandlers {
  /** Publishes a progress snapshot, every `progressIntervalMs`. */
  onProgress: () => void;
  /** Renews the lease, every third of its time to live. */
  onRenew: () => void;
  /** Called once at `expiresAt` (wall time, when finite). */
  onExpired: () => void;
}

/**
 * The timers of a run in progress: progress ticks, lease renewal and the announcement's expiry.
 * The expiry is a moment, not something noticed at the next send: deliveries waiting for a
 * retry or a paused channel are closed as expired right then.
 *
 * @returns A function that stops every timer.
 */
export function startRunTimers(
  clock: Clock,
  options: { progressIntervalMs: number; leaseTtlMs: number; expiresAt: number },
  handlers: RunTimerHandlers,
): () => void {
  const timers: TimerHandle[] = [];
  let stopped = false;
  const every = (slot: number, ms: number, handler: () => void): void => {
    timers[slot] = clock.setTimeout(() => {
      if (stopped) return;
      every(slot, ms, handler);
      handler();
    }, ms);
  };
  const expire = (): void => {
    if (stopped) return;
    const left = options.expiresAt - clock.now();
    if (left <= 0) handlers.onExpired();
    else timers[2] = clock.setTimeout(expire, Math.min(left, EXPIRY_CHECK_MS));
  };
  every(0, options.progressIntervalMs, handlers.onProgress);
  every(1, options.leaseTtlMs / 3, handlers.onRenew);
  if (Number.isFinite(options.expiresAt)) expire();
  return () => {
    stopped = true;
    for (const timer of timers) clock.clearTimeout(timer);
  };
}
