import { describe, expect, it } from 'vitest';
import { notificationFor, pickUrl } from './push-shared.js';

const SCOPE = 'https://www.comune.example/avvisi/banditore-push/';

describe('notificationFor', () => {
  it.each([
    ['extreme', true],
    ['severe', true],
    ['moderate', false],
    ['minor', false],
    ['unknown', false],
  ])('severity %s → requireInteraction %s, never silent', (severity, emergency) => {
    const { options } = notificationFor({ title: 'T', body: 'B', severity, tag: 'a', lang: 'it' }, 'https://x.example');
    expect(options).toMatchObject({ requireInteraction: emergency, silent: false, renotify: emergency, tag: 'a' });
  });

  it('falls back to the site name for a payload without a title, and ignores non-string fields', () => {
    const { title, options } = notificationFor({ title: 42, body: { html: '<b>' } }, 'https://www.comune.example');
    expect(title).toBe('www.comune.example');
    expect(options.body).toBe('');
    expect(options).not.toHaveProperty('tag');
  });
});

describe('pickUrl (what a notification click opens)', () => {
  it.each([
    ['https://www.comune.example/avvisi/piena', 'https://www.comune.example/avvisi/piena'],
    ['https://altro.example/pagina', 'https://altro.example/pagina'],
    ['javascript:alert(1)', 'https://www.comune.example/'],
    ['http://evil.example/', 'https://www.comune.example/'],
    [undefined, 'https://www.comune.example/'],
    ['not a url', 'https://www.comune.example/'],
  ])('%s → %s', (url, expected) => {
    expect(pickUrl(url, SCOPE)).toBe(expected);
  });
});
