import { defineConfig } from 'vitest/config';

// `npm run screenshots`: not a test suite, a script that drives the real browser to refresh the
// documentation images; vitest runs it because it already knows TypeScript and our helpers.
export default defineConfig({
  test: {
    include: ['scripts/screenshots.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
  },
});
