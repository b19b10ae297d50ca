import { defineConfig } from 'vitest/config';

// The contract suite makes hundreds of round trips to a real server per test; on a shared,
// busy machine that takes far longer than vitest's 5 s default. BANDITORE_TEST_SLOWDOWN scales it.
const slowdown = Math.max(1, Number(process.env.BANDITORE_TEST_SLOWDOWN ?? 1) || 1);

export default defineConfig({
  test: {
    setupFiles: ['../../vitest.setup.ts'],
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000 * slowdown,
    hookTimeout: 60_000 * slowdown,
  },
});
