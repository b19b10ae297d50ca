/**
 * Timing and randomness for the tests that run real processes. They wait on events, never on a
 * time budget; the only limits are there to catch a hang, and they scale on a slow or busy
 * machine: `BANDITORE_TEST_SLOWDOWN=4` gives four times as long (`npm run test:busy` sets it).
 */
export const SLOWDOWN = Math.max(1, Number(process.env.BANDITORE_TEST_SLOWDOWN ?? 1) || 1);

/**
 * A duration scaled by {@link SLOWDOWN}.
 *
 * @param ms - The duration on an idle machine.
 * @returns The duration to use here.
 */
export function scaled(ms: number): number {
  return Math.round(ms * SLOWDOWN);
}

/**
 * The seed of a test file's random choices: `BANDITORE_TEST_SEED` when set, otherwise a new one.
 * It is printed, so a failure can be replayed exactly.
 *
 * @param name - What the seed is for, printed with it.
 * @returns The seed.
 */
export function testSeed(name: string): number {
  const given = process.env.BANDITORE_TEST_SEED;
  const seed = given !== undefined && /^\d+$/.test(given) ? Number(given) : Math.floor(Math.random() * 2 ** 31);
  process.stdout.write(`${name}: seed ${seed} (replay with BANDITORE_TEST_SEED=${seed})\n`);
  return seed;
}
