import { describe, expect, it, test } from 'vitest';
import {
  backoffMs,
  cleanText,
  levelOf,
  parseAlert,
  parseFeed,
  safeUrl,
  selectAlerts,
  type WidgetAlert,
} from './model.js';

const raw = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'a1',
  revision: 2,
  status: 'Actual',
  msgType: 'Alert',
  severity: 'Severe',
  topics: ['meteo'],
  info: [{ language: 'it', headline: 'Temporali forti' }],
  ...overrides,
});

const alert = (overrides: Record<string, unknown> = {}): WidgetAlert => parseAlert(raw(overrides))!;

describe('levelOf', () => {
  test.each([
    [{ allerta: 'rossa', severity: 'Minor' }, 'critical'],
    [{ allerta: 'arancione' }, 'high'],
    [{ allerta: 'gialla' }, 'medium'],
    [{ allerta: 'verde', severity: 'Extreme' }, 'all-clear'],
    [{ severity: 'Extreme' }, 'critical'],
    [{ severity: 'Severe' }, 'high'],
    [{ severity: 'Moderate' }, 'medium'],
    [{ severity: 'Minor' }, 'info'],
    [{ severity: 'Unknown' }, 'info'],
    [{ msgType: 'Cancel', allerta: 'rossa' }, 'all-clear'],
  ])('maps %o to %s', (input, level) => {
    expect(levelOf(input)).toBe(level);
  });
});

describe('safeUrl', () => {
  test.each([
    ['https://www.comune.example/avvisi', 'https://www.comune.example/avvisi'],
    ['tel:+390731538111', 'tel:+390731538111'],
    ['mailto:urp@comune.example', 'mailto:urp@comune.example'],
    ['javascript:alert(1)', undefined],
    ['JaVaScRiPt:alert(1)', undefined],
    ['data:text/html,<script>alert(1)</script>', undefined],
    ['http://www.comune.example/', undefined],
    ['/relative/path', undefined],
    [42, undefined],
  ])('accepts only https, tel and mailto: %s', (input, expected) => {
    expect(safeUrl(input)).toBe(expected);
  });
});

describe('cleanText', () => {
  it('strips bidi overrides and control characters, clamps with an ellipsis', () => {
    expect(cleanText('\u202Eabc\u0007def', 100)).toBe('abcdef');
    expect(cleanText('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(cleanText('   ', 10)).toBeUndefined();
    expect(cleanText({ toString: () => 'x' }, 10)).toBeUndefined();
  });
});

describe('parseAlert', () => {
  it('keeps the fields the widget shows and drops links with unsafe schemes', () => {
    const parsed = parseAlert(
      raw({
        links: [
          { label: 'Bollettino', url: 'https://protezionecivile.example/b.pdf' },
          { label: 'Trappola', url: 'javascript:alert(1)' },
          { label: '', url: 'https://x.example/' },
        ],
        area: { desc: 'Centro storico' },
        expires: '2025-03-01T20:00:00+01:00',
        sent: 'not a date',
      }),
    );
    expect(parsed).toMatchObject({
      id: 'a1',
      revision: 2,
      level: 'high',
      area: 'Centro storico',
      expires: '2025-03-01T20:00:00+01:00',
    });
    expect(parsed!.links).toEqual([{ label: 'Bollettino', url: 'https://protezionecivile.example/b.pdf' }]);
    expect(parsed!.sent).toBeUndefined();
  });

  it('rejects alerts without id or headline', () => {
    expect(parseAlert(raw({ id: '' }))).toBeUndefined();
    expect(parseAlert(raw({ info: [{ language: 'it' }] }))).toBeUndefined();
    expect(parseAlert('<script>')).toBeUndefined();
  });
});

describe('parseFeed', () => {
  it('accepts a version 1 document and skips broken alerts', () => {
    const feed = parseFeed({
      version: 1,
      revision: 7,
      comune: { name: 'Jesi' },
      live: { sse: '/s' },
      alerts: [raw(), { id: 'x' }],
    });
    expect(feed?.meta).toMatchObject({ comune: 'Jesi', revision: 7, sse: '/s' });
    expect(feed?.alerts.map((a) => a.id)).toEqual(['a1']);
  });

  it('refuses other versions and shapes', () => {
    expect(parseFeed({ version: 2, alerts: [] })).toBeUndefined();
    expect(parseFeed(null)).toBeUndefined();
  });
});

describe('counterexamples found by generated input (regressions)', () => {
  const feed = (overrides: Record<string, unknown>, alert: Record<string, unknown> = {}) =>
    parseFeed({ version: 1, alerts: [raw(alert)], ...overrides });

  it('does not throw on values whose toString is not a function', () => {
    const poisoned = [{ toString: null }];
    expect(() =>
      feed({ revision: poisoned }, { revision: poisoned, allerta: poisoned, severity: poisoned }),
    ).not.toThrow();
    expect(feed({ revision: poisoned }, { revision: poisoned })?.alerts[0]?.revision).toBe(1);
  });

  test.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'maps the prototype name %s to a plain level',
    (name) => {
      expect(levelOf({ allerta: name, severity: name })).toBe('info');
      expect(parseAlert(raw({ allerta: name, severity: name }))?.level).toBe('info');
    },
  );

  it('strips bidi and control characters from status, msgType and severity, and bounds them', () => {
    const parsed = parseAlert(
      raw({ status: 'Act\u202eual', msgType: 'Al\u0085ert', severity: `Sev\u0000ere${'x'.repeat(1e6)}` }),
    );
    expect(parsed).toMatchObject({ status: 'Actual', msgType: 'Alert' });
    expect(parsed!.severity.length).toBeLessThanOrEqual(16);
  });

  it('keeps only ISO dates, so a lenient Date.parse cannot smuggle text in', () => {
    const parsed = parseAlert(raw({ sent: '2025-06-01 (\u202eevil)', expires: '2099-06-01T10:00:00+02:00' }));
    expect(parsed!.sent).toBeUndefined();
    expect(parsed!.expires).toBe('2099-06-01T10:00:00+02:00');
  });

  it('removes C1 controls everywhere', () => {
    expect(cleanText('a\u0080b\u009fc', 10)).toBe('abc');
  });

  it('cuts long text between grapheme clusters, never inside a surrogate pair or a flag', () => {
    expect(cleanText('😀'.repeat(150), 200)).toBe(`${'😀'.repeat(99)}…`);
    expect(cleanText('🇮🇹🇮🇹', 4)).toBe('…');
    expect(cleanText('ab🇮🇹cd', 5)).toBe('ab…');
  });

  it('never gives a revision of Infinity, NaN or below zero', () => {
    const parsed = parseFeed(JSON.parse('{"version":1,"revision":1e999,"alerts":[]}'));
    expect(parsed?.meta.revision).toBe(0);
    expect(feed({ revision: -3 })?.meta.revision).toBe(0);
    expect(parseAlert(JSON.parse('{"id":"a","revision":-1e999,"info":[{"headline":"x"}]}'))?.revision).toBe(1);
  });

  it('validates the channels block: a WhatsApp number given as a JSON number is left out, not thrown on later', () => {
    const parsed = feed({
      channels: {
        whatsapp: { number: 393331234567, optinKeyword: 'AVVISI' },
        telegram: { bot: 'comune_jesi_bot', channel: 'no spaces allowed' },
        page: 'javascript:alert(1)',
      },
    });
    expect(parsed?.meta.channels).toEqual({ telegram: { bot: 'comune_jesi_bot', channel: undefined } });
    expect(
      feed({ channels: { whatsapp: { number: '393331234567', optinKeyword: 'AVVISI\u202e' } } })?.meta.channels
        .whatsapp,
    ).toEqual({
      number: '393331234567',
      optinKeyword: 'AVVISI',
    });
  });

  it('cleans topics: slug ids, labels per language only, no prototype keys', () => {
    const parsed = parseFeed(
      JSON.parse(
        '{"version":1,"alerts":[],"topics":[{"id":"meteo","label":{"it":"Meteo\\u202e","__proto__":{"x":1},"constructor":"c"}},{"id":"Not A Slug","label":{}}]}',
      ),
    );
    expect(parsed?.meta.topics).toEqual([{ id: 'meteo', label: { it: 'Meteo' } }]);
    expect(Object.getPrototypeOf(parsed!.meta.topics[0]!.label)).toBe(Object.prototype);
  });

  it('uses a live URL as given or not at all', () => {
    expect(parseFeed({ version: 1, alerts: [], live: { sse: '/avvisi/stream' } })?.meta.sse).toBe('/avvisi/stream');
    expect(parseFeed({ version: 1, alerts: [], live: { sse: '/avvisi/\u202estream' } })?.meta.sse).toBeUndefined();
  });
});

describe('selectAlerts', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');
  const base = { preview: false, minLevel: 'info' as const, topics: [], now };
  const alerts = [
    alert({ id: 'info', severity: 'Minor', topics: ['viabilita'], sent: '2025-03-01T10:00:00Z' }),
    alert({ id: 'info-newer', severity: 'Minor', topics: ['viabilita'], sent: '2025-03-01T11:00:00Z' }),
    alert({ id: 'red', allerta: 'rossa', topics: ['meteo'] }),
    alert({ id: 'clear', msgType: 'Cancel', references: ['x'], topics: [] }),
    alert({ id: 'yellow', allerta: 'gialla', topics: ['meteo'] }),
    alert({ id: 'exercise', status: 'Exercise', allerta: 'rossa' }),
    alert({ id: 'expired', expires: '2025-03-01T11:59:59Z' }),
  ];

  it('orders by severity, then newest first, and hides exercises and expired alerts', () => {
    expect(selectAlerts(alerts, base).map((a) => a.id)).toEqual(['red', 'yellow', 'info-newer', 'info', 'clear']);
  });

  it('shows exercises in preview', () => {
    expect(selectAlerts(alerts, { ...base, preview: true }).map((a) => a.id)).toContain('exercise');
  });

  it('applies the minimum severity but keeps all-clears', () => {
    expect(selectAlerts(alerts, { ...base, minLevel: 'medium' }).map((a) => a.id)).toEqual(['red', 'yellow', 'clear']);
  });

  it('filters by topic, keeping critical alerts and alerts without topics', () => {
    expect(selectAlerts(alerts, { ...base, topics: ['viabilita'] }).map((a) => a.id)).toEqual([
      'red',
      'info-newer',
      'info',
      'clear',
    ]);
  });
});

describe('backoffMs', () => {
  it('climbs 2, 5, 10, 20, 40 then stays at 120 s, within ±20 %', () => {
    const mid = (attempt: number): number => backoffMs(attempt, () => 0.5);
    expect([0, 1, 2, 3, 4, 5, 9].map(mid)).toEqual([2000, 5000, 10000, 20000, 40000, 120000, 120000]);
    expect(backoffMs(0, () => 0)).toBe(1600);
    expect(backoffMs(0, () => 0.999999)).toBe(2400);
  });
});
