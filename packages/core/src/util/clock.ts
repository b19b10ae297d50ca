/** A timer handle returned by {@link Clock.setTimeout} (a Node.js `Timeout`, or a number for test clocks). */
export type TimerHandle = object | number;

/**
 * Time as the library sees it. Injected so tests drive time instead of waiting, and so nothing
 * else in the library calls `Date.now()` or `setTimeout` directly.
 *
 * Two kinds of time, one rule: **wall time** (`now()`) for anything stored or compared across
 * processes — lease expiry, announcement expiry, consent and ledger timestamps — because another
 * process can only share the wall clock; **monotonic time** (`monotonic()`) for intervals inside
 * one process — rate windows, backoffs, pauses — because it never jumps when the wall clock is
 * stepped (NTP, a resumed laptop, an operator's `date -s`).
 */
export interface Clock {
  /** Wall time: milliseconds since the epoch, following every step of the system clock. */
  now(): number;
  /**
   * Monotonic time in milliseconds: never jumps, only differences are meaningful.
   * @defaultValue `now()` when a clock does not provide it (test clocks whose time never jumps)
   */
  monotonic?(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock: `now()` is `Date.now()`, `monotonic()` is `performance.now()` shifted to start
 * near the epoch time of process start (sub-millisecond, which the rate gate needs), and timers
 * are Node's, which run on monotonic time.
 */
export const systemClock: Clock = (() => {
  const origin = Date.now() - performance.now();
  return {
    now: () => Date.now(),
    monotonic: () => origin + performance.now(),
    setTimeout: (callback: () => void, ms: number) => setTimeout(callback, Math.max(0, ms)),
    clearTimeout: (handle: TimerHandle) => {
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
  };
})();

/**
 * The same clock seen through its monotonic time: `now()` never jumps. For code that measures
 * intervals inside one process (rate gate, lanes, retry schedule) and must not stall or burst when
 * the wall clock is stepped.
 *
 * @param clock - A clock.
 * @returns A clock whose `now()` is `clock.monotonic()` (or `clock.now()` when it has none).
 */
export function intervalClock(clock: Clock): Clock {
  const monotonic = clock.monotonic?.bind(clock);
  if (!monotonic) return clock;
  return {
    now: monotonic,
    monotonic,
    setTimeout: (callback, ms) => clock.setTimeout(callback, ms),
    clearTimeout: (handle) => clock.clearTimeout(handle),
  };
}

/**
 * Resolves after `ms` on `clock`, or rejects early when `signal` aborts.
 *
 * @param clock - The clock.
 * @param ms - Milliseconds.
 * @param signal - Optional abort signal.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(signal!.reason as Error);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
