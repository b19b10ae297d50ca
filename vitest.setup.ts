import { afterEach, beforeEach } from 'vitest';

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
