import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatReport, listExports } from '../../../tools/api-report.js';

/*
 * The public API of this package, locked: `api-report.md` lists every name each entry point
 * exports. A change to it fails here until the report is refreshed (`npm run api:update` at the
 * repository root), so widening or narrowing the API is a visible decision in review.
 */

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const PACKAGE = '@banditore/store-sqlite';
const ENTRIES: Record<string, { file: string; load: () => Promise<object> }> = {
  '@banditore/store-sqlite': { file: 'src/index.ts', load: () => import('./index.js') },
};

const exports = listExports(
  packageDir,
  Object.fromEntries(Object.entries(ENTRIES).map(([name, entry]) => [name, entry.file])),
);

describe(`public API of ${PACKAGE}`, () => {
  it('matches the checked-in API report', async () => {
    await expect(formatReport(PACKAGE, exports)).toMatchFileSnapshot('../api-report.md');
  });

  it.each(Object.keys(ENTRIES))(
    '%s exports at run time exactly the names the report lists as runtime',
    async (name) => {
      const runtime = Object.keys(await ENTRIES[name]!.load()).sort();
      expect(runtime).toEqual(
        exports[name]!.filter((item) => item.runtime)
          .map((item) => item.name)
          .sort(),
      );
    },
    // Loading the sources for the first time takes a while on a busy machine.
    60_000,
  );

  it.each(Object.keys(ENTRIES))('%s names each re-export (no export *)', (name) => {
    const source = readFileSync(join(packageDir, ENTRIES[name]!.file), 'utf8');
    expect(source).not.toMatch(/^export (type )?\* from/m);
  });

  it('ships the MIT LICENSE', () => {
    expect(readFileSync(join(packageDir, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { files: string[] };
    expect(manifest.files).toContain('LICENSE');
    expect(existsSync(join(packageDir, 'LICENSE'))).toBe(true);
  });
});
