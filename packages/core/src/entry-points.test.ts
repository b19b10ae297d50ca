import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as esmMain from '@banditore/core';
import * as esmTesting from '@banditore/core/testing';

/*
 * These tests load the built package the way a user does (`@banditore/core`, `/testing`), so they
 * check what is published, not the sources: one copy of each class across entry points, and a
 * test kit that runs without the test runner.
 */

const require = createRequire(import.meta.url);
const signal = new AbortController().signal;
const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../dist');

describe('entry points', () => {
  it('shares one ChannelError between @banditore/core and @banditore/core/testing (ESM)', async () => {
    const channel = esmTesting.createSandboxChannel({ authFailed: true });
    const result = await channel.send('citizen-1', channel.render(esmTesting.sampleAnnouncement(), 'it'), { signal });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error instanceof esmMain.ChannelError).toBe(true);
  });

  it('shares one ChannelError between @banditore/core and @banditore/core/testing (CommonJS)', async () => {
    const main = require('@banditore/core') as typeof esmMain;
    const testing = require('@banditore/core/testing') as typeof esmTesting;
    const channel = testing.createSandboxChannel({ authFailed: true });
    const result = await channel.send('citizen-1', channel.render(testing.sampleAnnouncement(), 'it'), { signal });
    expect(!result.ok && result.error instanceof main.ChannelError).toBe(true);
  });

  it.each([
    ['testing/index.js', /(?:from|import)\s*["']([^"']+)["']/g],
    ['testing/index.cjs', /require\(["']([^"']+)["']\)/g],
    ['index.js', /(?:from|import)\s*["']([^"']+)["']/g],
    ['index.cjs', /require\(["']([^"']+)["']\)/g],
  ])('dist/%s and the chunks it loads import no test runner', (entry, pattern) => {
    expect(modulesReachedFrom(resolve(dist, entry), pattern)).not.toContain('vitest');
  });

  it('declares zod as a peer dependency, so a channel author installs the one zod core checks schemas with', () => {
    const manifest = JSON.parse(readFileSync(resolve(dist, '../package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    expect(manifest.peerDependencies?.zod).toBe('^4.1.0');
    expect(manifest.dependencies?.zod).toBeUndefined();
  });

  it('imports @banditore/core/testing in a plain Node process where vitest cannot load', async () => {
    // A resolve hook refuses vitest, as in an app that does not have it installed.
    const hook = `export async function resolve(specifier, context, next) {
      if (specifier === 'vitest' || specifier.startsWith('vitest/')) throw new Error('vitest was imported');
      return next(specifier, context);
    }`;
    const script = `
      import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
      const kit = await import('@banditore/core/testing');
      const clock = kit.createManualClock();
      clock.advance(5);
      process.stdout.write(String(typeof kit.createSandboxChannel) + ' ' + String(clock.now() > 0));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dirname(dist),
    });
    expect(stdout).toBe('function true');
  });
});

/** Bare specifiers reached from `file` through its relative imports (the shared chunks). */
function modulesReachedFrom(file: string, pattern: RegExp, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const bare: string[] = [];
  for (const [, specifier] of readFileSync(file, 'utf8').matchAll(pattern)) {
    if (specifier!.startsWith('.')) bare.push(...modulesReachedFrom(resolve(dirname(file), specifier!), pattern, seen));
    else bare.push(specifier!);
  }
  return bare;
}
