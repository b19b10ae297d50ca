import type { RetryPolicy } from './types.js';

/** Defaults of {@link RetryPolicy}. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  maxTotalMs: 15 * 60_000,
};

/**
 * Exponential backoff with full jitter: a random wait between 0 and `base · 2^(attempt−1)`,
 * capped. Full jitter spreads a thousand retries after an outage instead of sending them back
 * in one wave (the 429 storm peers complain about).
 *
 * @param policy - The retry policy.
 * @param attempt - The attempt that just failed, from 1.
 * @param random - Random source in [0, 1).
 * @returns Milliseconds to wait.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  // Never zero: a retry at once after a failure is rarely useful.
  return Math.max(policy.baseDelayMs / 10, Math.floor(random() * ceiling));
}

/** Default wait when a provider throttles one recipient without saying how long. */
export function recipientDeferDelay(defers: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, 6_000 * 2 ** defers);
}
