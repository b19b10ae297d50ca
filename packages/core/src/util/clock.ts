/** A timer handle returned by {@link Clock.setTimeout} (a Node.js `Timeout`, or a number for test clocks). */
export type TimerHandle = object | number;

/**
 * Time as the broadcaster sees it. Injected so tests drive time instead of waiting, and so
 * nothing else in the library calls `Date.now()` or `setTimeout` directly.
 */
export interface Clock {
  /** Milliseconds since the epoch (may be fractional). */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock. `now()` combines the wall clock at start with `performance.now()`, so it is
 * monotonic and sub-millisecond (the rate gate needs both) yet still close to `Date.now()`.
 */
export const systemClock: Clock = (() => {
  const origin = Date.now() - performance.now();
  return {
    now: () => origin + performance.now(),
    setTimeout: (callback: () => void, ms: number) => setTimeout(callback, Math.max(0, ms)),
    clearTimeout: (handle: TimerHandle) => {
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
  };
})();

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
