import { dirname, join } from 'node:path';
import { defineConfig, type Options } from 'tsup';

/**
 * The script-tag build: `dist/browser/banditore-alerts.js` (IIFE, everything inlined, no global)
 * and the lazily loaded ES modules it imports from next to itself: `banditore-alerts.live.js` (the
 * live connection and the announcer, loaded as the element connects), `banditore-alerts.panel.js`
 * (subscription panel with the QR encoder), `banditore-alerts.push.js` (the browser-push button,
 * loaded by the panel) and `banditore-alerts.contrast.js` (runtime contrast check, loaded only
 * when the page sets its own colours); and `banditore-sw.js`, the push service worker. The npm build (ESM/CJS) uses the root config.
 */
const browserChunks: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'browser-chunks',
  setup(build) {
    build.onResolve({ filter: /\/(chunks|push-chunk)\.js$/ }, (args) => ({
      path: join(dirname(join(args.resolveDir, args.path)), args.path.replace(/^.*\/|\.js$/g, '') + '.browser.ts'),
    }));
  },
};

const common: Options = {
  outDir: 'dist/browser',
  platform: 'browser',
  target: 'es2022',
  // terser squeezes about 3 % more than esbuild's minifier out of the size-budgeted core bundle.
  minify: 'terser',
  terserOptions: { ecma: 2020, compress: { passes: 3, unsafe_arrows: true }, format: { comments: false } },
  dts: false,
  sourcemap: false,
  clean: false,
  outExtension: () => ({ js: '.js' }),
};

export default defineConfig([
  { ...common, entry: { 'banditore-alerts': 'src/browser.ts' }, format: ['iife'], esbuildPlugins: [browserChunks] },
  {
    ...common,
    entry: {
      'banditore-alerts.live': 'src/live-module.ts',
      'banditore-alerts.panel': 'src/panel.ts',
      'banditore-alerts.contrast': 'src/contrast-check.ts',
      'banditore-alerts.push': 'src/push-button.ts',
    },
    format: ['esm'],
    // One file per chunk (shared helpers inlined): the comune copies a fixed set of files.
    splitting: false,
    esbuildPlugins: [browserChunks],
  },
  // The service worker: a classic script the comune serves from its own site.
  { ...common, entry: { 'banditore-sw': 'src/service-worker.ts' }, format: ['iife'] },
]);
