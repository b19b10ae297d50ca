import { defineConfig } from 'vitest/config';

// Many tests here start real processes. They wait on events, not on time budgets; these limits
// only catch a hang, and scale on a slow or busy machine (BANDITORE_TEST_SLOWDOWN=4: four times).
const slowdown = Math.max(1, Number(process.env.BANDITORE_TEST_SLOWDOWN ?? 1) || 1);

export default defineConfig({
  test: {
    setupFiles: ['../../vitest.setup.ts'],
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000 * slowdown,
    hookTimeout: 60_000 * slowdown,
  },
});
