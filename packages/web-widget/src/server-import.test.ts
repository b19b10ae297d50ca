import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));

/** Runs `script` in a plain Node process (no DOM at all), as a server-side renderer would. */
async function inNode(script: string, type: 'module' | 'commonjs' = 'module'): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [`--input-type=${type}`, '-e', script], {
    cwd: packageDir,
  });
  return stdout;
}

describe('on a server', () => {
  it('imports the element and the model helpers without a DOM', async () => {
    const { BanditoreAlertsElement, defineBanditoreAlerts } = await import('./index.js');
    const { parseFeed } = await import('./model.js');
    expect(typeof BanditoreAlertsElement).toBe('function');
    expect(parseFeed({ version: 1, alerts: [] })?.alerts).toEqual([]);
    expect(() => defineBanditoreAlerts()).toThrow(/needs a browser/);
  });

  it('imports the define entry without registering or throwing', async () => {
    const define = await import('./define.js');
    expect(typeof define.defineBanditoreAlerts).toBe('function');
  });

  it('imports the built package (ESM and CommonJS, both entries) in plain Node', async () => {
    const esm = await inNode(`
      const widget = await import('@banditore/web-widget');
      await import('@banditore/web-widget/define');
      process.stdout.write(typeof widget.BanditoreAlertsElement);`);
    expect(esm).toBe('function');
    const cjs = await inNode(
      `const widget = require('@banditore/web-widget'); require('@banditore/web-widget/define');
       process.stdout.write(typeof widget.BanditoreAlertsElement);`,
      'commonjs',
    );
    expect(cjs).toBe('function');
  });
});
