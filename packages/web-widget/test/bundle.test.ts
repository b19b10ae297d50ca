import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const dir = new URL('../dist/browser/', import.meta.url);
const file = (name: string): Buffer => readFileSync(new URL(name, dir));
const gzipped = (name: string): number => gzipSync(file(name), { level: 9 }).length;

describe('script-tag bundle', () => {
  it('keeps the core bundle within 8 kB gzipped, with room left for the push button', () => {
    // 200 B stay free for a subscribe-to-push button that loads its own chunk, like the panel.
    expect(gzipped('banditore-alerts.js')).toBeLessThanOrEqual(8 * 1024 - 200);
  });

  it('keeps the lazily loaded chunks small (live ≤ 1.5 kB, panel with QR encoder ≤ 6.5 kB, contrast ≤ 1.5 kB)', () => {
    expect(gzipped('banditore-alerts.live.js')).toBeLessThanOrEqual(1.5 * 1024);
    expect(gzipped('banditore-alerts.panel.js')).toBeLessThanOrEqual(6.5 * 1024);
    expect(gzipped('banditore-alerts.contrast.js')).toBeLessThanOrEqual(1.5 * 1024);
  });

  it('keeps the push button chunk ≤ 2.5 kB and the service worker ≤ 1.5 kB, neither in the core or panel bundle', () => {
    expect(gzipped('banditore-alerts.push.js')).toBeLessThanOrEqual(2.5 * 1024);
    expect(gzipped('banditore-sw.js')).toBeLessThanOrEqual(1.5 * 1024);
    for (const name of ['banditore-alerts.js', 'banditore-alerts.panel.js'])
      expect(file(name).toString()).not.toContain('Ricevi notifiche su questo dispositivo');
  });

  it('does not contain the QR encoder or the panel in the core bundle', () => {
    const core = file('banditore-alerts.js').toString();
    expect(core).not.toContain('Iscriviti con il bot Telegram');
    expect(core).toContain('banditore-alerts.${');
  });

  it.each([
    'banditore-alerts.js',
    'banditore-alerts.live.js',
    'banditore-alerts.panel.js',
    'banditore-alerts.contrast.js',
    'banditore-alerts.push.js',
    'banditore-sw.js',
  ])('uses no HTML or code sinks: %s', (name) => {
    const code = file(name).toString();
    for (const sink of [
      'innerHTML',
      'outerHTML',
      'insertAdjacentHTML',
      'document.write',
      'eval(',
      'new Function',
      '.cookie',
    ]) {
      expect(code, sink).not.toContain(sink);
    }
  });
});
