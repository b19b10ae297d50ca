import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The parser is testable and usable in plain Node: bundled on its own, it pulls in nothing of the
 * element (no `HTMLElement`, no DOM), and runs in a process that has no DOM globals at all.
 */
describe('feed parser in plain Node', () => {
  it('bundles without the element and parses a feed in a process without a DOM', async () => {
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('./model.ts', import.meta.url))],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      logLevel: 'silent',
    });
    const code = bundle.outputFiles[0]!.text;
    for (const name of ['HTMLElement', 'customElements', 'document.', 'window.']) expect(code).not.toContain(name);
    const script = `${code}
if (typeof HTMLElement !== 'undefined' || typeof document !== 'undefined') throw new Error('a DOM is present');
const feed = parseFeed(JSON.parse(process.argv[1]));
process.stdout.write(JSON.stringify(feed.alerts.map((a) => [a.id, a.level, a.revision])));`;
    const document = JSON.stringify({
      version: 1,
      revision: 3,
      alerts: [{ id: 'a1', revision: [{ toString: null }], allerta: 'constructor', info: [{ headline: 'Allerta' }] }],
    });
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script, document], {
      encoding: 'utf8',
    });
    expect(JSON.parse(output)).toEqual([['a1', 'info', 1]]);
  });
});
