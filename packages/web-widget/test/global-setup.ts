import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM } from './helpers/browser.js';

/**
 * Builds the package (npm and script-tag builds) before the browser tests load it, so they always test the current source,
 * and fails early with a useful message when the system Chromium is missing.
 */
export default function setup(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsup = join(dirname(createRequire(import.meta.url).resolve('tsup/package.json')), 'dist', 'cli-default.js');
  execFileSync(process.execPath, [tsup, '--config', 'tsup.bundle.config.ts', '--silent'], {
    cwd: root,
    stdio: 'inherit',
  });
}
