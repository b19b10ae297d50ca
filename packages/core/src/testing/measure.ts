/**
 * A small seeded PRNG (mulberry32) so a randomised test or a failure-rate knob is replayable.
 *
 * @param seed - Any 32-bit integer.
 * @returns A function returning numbers in [0, 1).
 * @example
 * ```ts
 * createSandboxChannel({ failureRate: 0.2, random: seededRandom(7) })
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The most timestamps in any half-open window `[t, t + 1000)`: what a provider counting "per
 * second" sees, whatever second boundaries it uses. For checking that pacing never exceeds a limit.
 *
 * @param stamps - Send times in milliseconds, in any order.
 * @returns The largest count in any sliding second.
 */
export function maxInAnySecond(stamps: readonly number[]): number {
  const sorted = [...stamps].sort((a, b) => a - b);
  let best = 0;
  let left = 0;
  for (let right = 0; right < sorted.length; right++) {
    while (sorted[right]! - sorted[left]! >= 1000) left++;
    best = Math.max(best, right - left + 1);
  }
  return best;
}
