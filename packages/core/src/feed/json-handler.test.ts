import { afterEach, describe, expect, it } from 'vitest';
import { isConfigError } from '../errors.js';
import { serve, type RunningServer } from '../http/serve.js';
import { createFeed, type Feed } from './create-feed.js';
import type { FeedOptions } from './feed-options.js';
import type { FeedDocument } from './feed-format.js';
import { createManualClock, type ManualClock } from '../testing/manual-clock.js';
import { announcement } from '../test-support/feed.js';

let server: RunningServer | undefined;
let feed: Feed | undefined;

afterEach(async () => {
  feed?.close();
  await server?.close();
  server = undefined;
  feed = undefined;
});

async function start(
  options: Partial<FeedOptions> = {},
  clock: ManualClock = createManualClock(Date.parse('2025-03-01T08:00:00Z')),
): Promise<string> {
  feed = createFeed({ comune: { name: 'Jesi', istat: '042021' }, clock, ...options });
  server = await serve(feed.handler);
  return `${server.url}/avvisi.json`;
}

async function getDocument(url: string, init?: RequestInit): Promise<FeedDocument> {
  const response = await fetch(url, init);
  expect(response.status).toBe(200);
  return (await response.json()) as FeedDocument;
}

describe('feed JSON handler', () => {
  it('serves a versioned CAP-cased document with the comune, topics and channels', async () => {
    const url = await start({
      topics: [{ id: 'meteo', label: { it: 'Meteo', en: 'Weather' } }],
      channels: { telegram: { bot: 'JesiAvvisiBot' }, whatsapp: { number: '390731538111', optinKeyword: 'AVVISI' } },
      live: { sse: '/avvisi/stream' },
    });
    feed!.upsert(announcement({ urgency: 'immediate', certainty: 'observed' }));
    const response = await fetch(url);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const document = (await response.json()) as FeedDocument;
    expect(document).toMatchObject({
      version: 1,
      comune: { name: 'Jesi', istat: '042021' },
      revision: 1,
      ttl: 15,
      live: { sse: '/avvisi/stream' },
      topics: [{ id: 'meteo', label: { it: 'Meteo', en: 'Weather' } }],
      channels: { telegram: { bot: 'JesiAvvisiBot' }, whatsapp: { number: '390731538111', optinKeyword: 'AVVISI' } },
    });
    expect(document.generatedAt).toBe('2025-03-01T08:00:00.000Z');
    expect(document.alerts).toEqual([
      expect.objectContaining({
        id: 'allerta-1',
        status: 'Actual',
        msgType: 'Alert',
        severity: 'Severe',
        allerta: 'arancione',
        urgency: 'Immediate',
        certainty: 'Observed',
        info: [
          {
            language: 'it',
            headline: 'Allerta arancione per temporali',
            description: 'Dalle 14 alle 20.',
            instruction: 'Evitate i sottopassi.',
          },
        ],
      }),
    ]);
  });

  it('answers 304 to a matching If-None-Match and a new ETag after a change', async () => {
    const url = await start();
    feed!.upsert(announcement());
    const first = await fetch(url);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=15, stale-while-revalidate=60');
    const again = await fetch(url, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    feed!.upsert(announcement({ id: 'lavori-2', severity: 'minor', colorCode: undefined }));
    const changed = await fetch(url, { headers: { 'if-none-match': etag! } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(((await changed.json()) as FeedDocument).alerts.map((a) => a.id)).toEqual(['allerta-1', 'lavori-2']);
  });

  it('sends CORS headers for any origin by default and answers the preflight', async () => {
    const url = await start();
    const response = await fetch(url, { headers: { origin: 'https://www.comune.jesi.an.it' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://x.example' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
  });

  it('allows only listed origins when given a list, and none when cors is false', async () => {
    const url = await start({ cors: ['https://www.comune.jesi.an.it'] });
    const allowed = await fetch(url, { headers: { origin: 'https://www.comune.jesi.an.it' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://www.comune.jesi.an.it');
    expect(allowed.headers.get('vary')).toBe('origin');
    const other = await fetch(url, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    feed!.close();
    await server!.close();
    const closedUrl = await start({ cors: false });
    const none = await fetch(closedUrl, { headers: { origin: 'https://www.comune.jesi.an.it' } });
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('shows only actual announcements, and exercises only to an allowed preview', async () => {
    let staff = false;
    const url = await start({ preview: () => staff });
    feed!.upsert(announcement());
    feed!.upsert(announcement({ id: 'esercitazione', status: 'exercise' }));
    expect((await getDocument(url)).alerts.map((a) => a.id)).toEqual(['allerta-1']);
    const forbidden = await fetch(`${url}?preview`);
    expect(forbidden.status).toBe(403);
    staff = true;
    const preview = await fetch(`${url}?preview`);
    expect(preview.headers.get('cache-control')).toBe('private, no-store');
    const ids = ((await preview.json()) as FeedDocument).alerts.map((a) => a.id).sort();
    expect(ids).toEqual(['allerta-1', 'esercitazione']);
  });

  it('drops announcements once the clock passes their expiry', async () => {
    const clock = createManualClock(Date.parse('2025-03-01T08:00:00Z'));
    const url = await start({}, clock);
    feed!.upsert(announcement({ expires: new Date(clock.now() + 60_000).toISOString() }));
    expect((await getDocument(url)).alerts).toHaveLength(1);
    clock.advance(59_000);
    expect((await getDocument(url)).alerts).toHaveLength(1);
    clock.advance(1_000);
    const after = await getDocument(url);
    expect(after.alerts).toEqual([]);
    expect(after.revision).toBe(2);
  });

  it('ignores an announcement that arrives already expired', async () => {
    const clock = createManualClock(Date.parse('2025-03-01T08:00:00Z'));
    const url = await start({}, clock);
    feed!.upsert(announcement({ expires: new Date(clock.now() - 1).toISOString() }));
    expect((await getDocument(url)).alerts).toEqual([]);
  });

  it('replaces what an update references and shows a cancel as the all-clear until its lifetime ends', async () => {
    const clock = createManualClock(Date.parse('2025-03-01T08:00:00Z'));
    const url = await start({ cancelledTtlMs: 3_600_000 }, clock);
    feed!.upsert(announcement());
    feed!.upsert(announcement({ id: 'allerta-1-agg', type: 'update', references: ['allerta-1'], colorCode: 'rossa' }));
    expect((await getDocument(url)).alerts.map((a) => [a.id, a.msgType])).toEqual([['allerta-1-agg', 'Update']]);
    feed!.upsert(announcement({ id: 'allerta-1-fine', type: 'cancel', references: ['allerta-1-agg'] }));
    expect((await getDocument(url)).alerts.map((a) => [a.id, a.msgType])).toEqual([['allerta-1-fine', 'Cancel']]);
    clock.advance(3_600_000);
    expect((await getDocument(url)).alerts).toEqual([]);
  });

  it('keeps the newer revision when an older one arrives late', async () => {
    const url = await start();
    feed!.upsert(announcement({ revision: 3, content: { it: { headline: 'Terza versione' } } }));
    feed!.upsert(announcement({ revision: 2, content: { it: { headline: 'Seconda versione' } } }));
    expect((await getDocument(url)).alerts[0]!.info[0]!.headline).toBe('Terza versione');
  });

  it('removes an announcement on remove()', async () => {
    const url = await start();
    feed!.upsert(announcement());
    feed!.remove('allerta-1');
    expect((await getDocument(url)).alerts).toEqual([]);
  });

  it('answers 405 to other methods', async () => {
    const url = await start();
    const response = await fetch(url, { method: 'POST', body: '{}' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });

  it('rejects invalid announcements and options with a ConfigError naming the field', async () => {
    await start();
    expect(() => feed!.upsert({ ...announcement(), severity: 'catastrophic' as never })).toThrow(/severity/);
    let caught: unknown;
    try {
      createFeed({ comune: { name: 'Jesi', istat: '42' }, maxAgeSeconds: -1 });
    } catch (error) {
      caught = error;
    }
    expect(isConfigError(caught)).toBe(true);
    expect((caught as { fields: string[] }).fields).toEqual(['comune.istat', 'maxAgeSeconds']);
  });
});
