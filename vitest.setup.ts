import { afterEach, beforeEach, vi } from 'vitest';

// On a slow or busy machine (`npm run test:busy` sets BANDITORE_TEST_SLOWDOWN=4) the limits
// stretch: they only catch hangs, and a test that is merely slow is not wrong. (The values cover
// the longest a package configures for itself, 30 s and 60 s, times the slowdown.)
const slowdown = Math.max(1, Number(process.env.BANDITORE_TEST_SLOWDOWN ?? 1) || 1);
if (slowdown > 1) vi.setConfig({ testTimeout: 30_000 * slowdown, hookTimeout: 60_000 * slowdown });

/**
 * Library code must never write to the console: observability goes through `onEvent`.
 * Any console call during a test is recorded here and fails that test.
 */
const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
const calls: string[] = [];
const originals = new Map<(typeof methods)[number], (...args: unknown[]) => void>();

beforeEach(() => {
  calls.length = 0;
  for (const method of methods) {
    originals.set(method, console[method]);
    console[method] = (...args: unknown[]) => {
      calls.push(`console.${method}(${args.map(String).join(', ').slice(0, 200)})`);
    };
  }
});

afterEach(() => {
  for (const [method, original] of originals) console[method] = original;
  if (calls.length > 0) {
    const found = calls.splice(0);
    throw new Error(`console was called during this test:\n${found.join('\n')}`);
  }
});
