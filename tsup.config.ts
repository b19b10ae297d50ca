import { defineConfig } from 'tsup';

/**
 * One build for every package: each package passes its entry points on the command line
 * (`tsup --config ../../tsup.config.ts src/index.ts`). Dual ESM/CJS with declarations for both.
 */
export default defineConfig({
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  splitting: false,
  treeshake: true,
  outDir: 'dist',
  external: ['vitest'],
});
