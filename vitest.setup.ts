import { afterEach, beforeEach, vi } from 'vitest';

// Test and hook limits only catch hangs: a test that is merely slow on a busy machine is not
// wrong, so the limits are generous (vitest's 5 s default failed tests that wait on a sandbox
// while every package's tests share two cores), and on a slow or busy machine they stretch
// further (`npm run test:busy` sets BANDITORE_TEST_SLOWDOWN=4). The values cover the longest a
// package configures for itself, 120 s and 60 s, times the slowdown.
const slowdown = Math.max(1, Number(process.env.BANDITORE_TEST_SLOWDOWN ?? 1) || 1);
vi.setConfig({ testTimeout: 120_000 * slowdown, hookTimeout: 60_000 * slowdown });

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
