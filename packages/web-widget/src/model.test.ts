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
