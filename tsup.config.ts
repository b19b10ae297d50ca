import { defineConfig } from 'tsup';

/**
 * One build for every package: each package passes its entry points on the command line
 * (`tsup --config ../../tsup.config.ts src/index.ts`). Dual ESM/CJS with declarations for both.
 *
 * Code splitting is on so that a package with several entry points (`@banditore/core` and
 * `@banditore/core/testing`) ships each class once, in a shared chunk: an error made by the
 * sandbox channel is then `instanceof ChannelError` for the `ChannelError` of the main entry.
 */
export default defineConfig({
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
  outDir: 'dist',
  external: ['vitest'],
});
