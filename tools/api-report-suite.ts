import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReport, listExports } from './api-report.js';

/** One entry point of a package: its source file and a loader for its runtime exports. */
export interface ApiEntry {
  /** Source file relative to the package folder, e.g. `src/index.ts`. */
  file: string;
  /** Imports the entry point (from the test file, so the import resolves to the sources). */
  load: () => Promise<object>;
}

/**
 * The public API of a package, locked: `api-report.md` lists every name each entry point exports.
 * A change to it fails here until the report is refreshed (`npm run api:update` at the repository
 * root), so widening or narrowing the API is a visible decision in review.
 *
 * @param packageName - The npm name, e.g. `@banditore/core`.
 * @param packageDir - The package folder (holding `tsconfig.json`, `LICENSE`, `package.json`).
 * @param entries - Entry point name → its source file and loader.
 */
export function describeApiReport(packageName: string, packageDir: string, entries: Record<string, ApiEntry>): void {
  const exports = listExports(
    packageDir,
    Object.fromEntries(Object.entries(entries).map(([name, entry]) => [name, entry.file])),
  );
  const names = Object.keys(entries);

  describe(`public API of ${packageName}`, () => {
    it('matches the checked-in API report', async () => {
      await expect(formatReport(packageName, exports)).toMatchFileSnapshot(join(packageDir, 'api-report.md'));
    });

    it.each(names)(
      '%s exports at run time exactly the names the report lists as runtime',
      async (name) => {
        const runtime = Object.keys(await entries[name]!.load()).sort();
        expect(runtime).toEqual(
          exports[name]!.filter((item) => item.runtime)
            .map((item) => item.name)
            .sort(),
        );
      },
      // Loading the sources for the first time takes a while on a busy machine.
      60_000,
    );

    it.each(names)('%s names each re-export (no export *)', (name) => {
      const source = readFileSync(join(packageDir, entries[name]!.file), 'utf8');
      expect(source).not.toMatch(/^export (type )?\* from/m);
    });

    it('ships the MIT LICENSE', () => {
      expect(existsSync(join(packageDir, 'LICENSE'))).toBe(true);
      expect(readFileSync(join(packageDir, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
      const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { files: string[] };
      expect(manifest.files).toContain('LICENSE');
    });
  });
}
