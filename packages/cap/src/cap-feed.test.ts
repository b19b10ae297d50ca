import { createFeed, serve, type AnnouncementInput, type Feed, type RunningServer } from '@banditore/core';
import { createManualClock, type ManualClock } from '@banditore/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createCapFeed } from './cap-feed.js';
import { parseCap } from './parse-cap.js';
import { xmllintSchema } from './test-support/xmllint.js';
import { parseXmlTree, type XmlElement } from './xml-tree.js';

const SENDER = 'protezione.civile@comune.jesi.an.it';
let server: RunningServer | undefined;
let feed: Feed | undefined;

afterEach(async () => {
  feed?.close();
  await server?.close();
  server = undefined;
  feed = undefined;
});

function announcement(overrides: Partial<AnnouncementInput> = {}): AnnouncementInput {
  return {
    id: 'allerta-1',
    severity: 'severe',
    colorCode: 'arancione',
    topics: ['meteo'],
    areaDescription: 'Territorio comunale',
    content: {
      it: {
        headline: 'Allerta arancione per temporali',
        body: 'Dalle 14 alle 20.',
        instruction: 'Evitate i sottopassi.',
      },
    },
    sent: '2025-03-01T08:00:00+01:00',
    expires: '2025-03-01T20:00:00+01:00',
    ...overrides,
  };
}

async function start(
  preview = false,
  clock: ManualClock = createManualClock(Date.parse('2025-03-01T08:00:00Z')),
): Promise<string> {
  feed = createFeed({ comune: { name: 'Jesi', istat: '042021' }, clock, preview });
  const cap = createCapFeed({ feed, sender: SENDER, clock });
  server = await serve(cap.handler);
  return `${server.url}/avvisi/cap`;
}

const children = (element: XmlElement, name: string): XmlElement[] =>
  element.children.filter((child) => child.local === name);
const text = (element: XmlElement, name: string): string | undefined => children(element, name)[0]?.text;

async function atom(url: string, init?: RequestInit): Promise<{ response: Response; feed: XmlElement }> {
  const response = await fetch(url, init);
  expect(response.status).toBe(200);
  return { response, feed: parseXmlTree(await response.text()) };
}

describe('CAP feed', () => {
  it('serves an Atom index linking each active alert to its CAP 1.2 document, which validates against the XSD', async () => {
    const url = await start();
    feed!.upsert(announcement());
    const { response, feed: index } = await atom(url);
    expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=15, stale-while-revalidate=60');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(index.uri).toBe('http://www.w3.org/2005/Atom');
    expect(text(index, 'title')).toBe('Avvisi del Comune di Jesi');
    const entries = children(index, 'entry');
    expect(entries).toHaveLength(1);
    const link = children(entries[0]!, 'link')[0]!;
    expect(link.attributes).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'type', value: 'application/cap+xml' })]),
    );
    const href = link.attributes.find((attribute) => attribute.name === 'href')!.value;
    expect(href).toBe(`${url}/allerta-1.xml`);
    expect(text(entries[0]!, 'title')).toBe('Allerta arancione per temporali');

    const document = await fetch(href);
    expect(document.status).toBe(200);
    expect(document.headers.get('content-type')).toBe('application/cap+xml; charset=utf-8');
    const xml = await document.text();
    expect(xmllintSchema(xml).valid).toBe(true);
    expect(parseCap(xml)).toMatchObject({
      identifier: 'allerta-1',
      sender: SENDER,
      status: 'Actual',
      msgType: 'Alert',
      info: [
        {
          language: 'it',
          severity: 'Severe',
          parameter: [{ valueName: 'allerta', value: 'arancione' }],
          area: [{ areaDesc: 'Territorio comunale' }],
        },
      ],
    });
  });

  it('answers 304 to a matching If-None-Match, HEAD without a body, and a new ETag after a change', async () => {
    const url = await start();
    feed!.upsert(announcement());
    const first = await fetch(url);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
    const documentEtag = (await fetch(`${url}/allerta-1.xml`)).headers.get('etag');
    expect(documentEtag).not.toBe(etag);
    expect((await fetch(`${url}/allerta-1.xml`, { headers: { 'if-none-match': documentEtag! } })).status).toBe(304);

    feed!.upsert(announcement({ revision: 2, severity: 'extreme', colorCode: 'rossa' }));
    const changed = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    // A new revision is a new CAP message: a new identifier, so each document stays immutable.
    expect(await changed.text()).toContain(`${url}/allerta-1.r2.xml`);
    expect((await fetch(`${url}/allerta-1.xml`)).status).toBe(404);
    const revised = parseCap(await (await fetch(`${url}/allerta-1.r2.xml`)).text());
    expect(revised).toMatchObject({
      msgType: 'Update',
      references: [{ sender: SENDER, identifier: 'allerta-1', sent: '2025-03-01T08:00:00+01:00' }],
      info: [{ severity: 'Extreme', parameter: [{ valueName: 'allerta', value: 'rossa' }] }],
    });
  });

  it('publishes an update and a cancel with references to the message they change', async () => {
    const url = await start();
    feed!.upsert(announcement());
    await fetch(url);
    feed!.upsert(
      announcement({
        id: 'allerta-1-revoca',
        type: 'cancel',
        references: ['allerta-1'],
        severity: 'minor',
        colorCode: 'verde',
        sent: '2025-03-01T12:00:00+01:00',
      }),
    );
    const { feed: index } = await atom(url);
    expect(children(index, 'entry')).toHaveLength(1);
    const xml = await (await fetch(`${url}/allerta-1-revoca.xml`)).text();
    expect(xmllintSchema(xml).valid).toBe(true);
    expect(parseCap(xml)).toMatchObject({
      msgType: 'Cancel',
      references: [{ sender: SENDER, identifier: 'allerta-1', sent: '2025-03-01T08:00:00+01:00' }],
    });
  });

  it('drops an alert from the index when it expires', async () => {
    const clock = createManualClock(Date.parse('2025-03-01T08:00:00Z'));
    const url = await start(false, clock);
    feed!.upsert(announcement({ expires: '2025-03-01T10:00:00+01:00' }));
    expect(children((await atom(url)).feed, 'entry')).toHaveLength(1);
    clock.advance(2 * 3600_000);
    expect(children((await atom(url)).feed, 'entry')).toHaveLength(0);
    expect((await fetch(`${url}/allerta-1.xml`)).status).toBe(404);
  });

  it('keeps exercises out of the public index, and marks them in preview', async () => {
    const url = await start(true);
    feed!.upsert(announcement({ status: 'exercise' }));
    expect(children((await atom(url)).feed, 'entry')).toHaveLength(0);
    const { response, feed: index } = await atom(`${url}?preview`);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const [entry] = children(index, 'entry');
    expect(text(entry!, 'title')).toBe('[ESERCITAZIONE] Allerta arancione per temporali');
    expect(text(entry!, 'id')).toBe(`${url}/allerta-1.xml?preview`);
    // Alternating audiences keep each one's ETag stable.
    const publicEtag = (await fetch(url)).headers.get('etag');
    const previewEtag = (await fetch(`${url}?preview`)).headers.get('etag');
    expect((await fetch(url, { headers: { 'if-none-match': publicEtag! } })).status).toBe(304);
    expect((await fetch(`${url}?preview`, { headers: { 'if-none-match': previewEtag! } })).status).toBe(304);
    expect(previewEtag).not.toBe(publicEtag);
    const xml = await (await fetch(`${url}/allerta-1.xml?preview`)).text();
    expect(xmllintSchema(xml).valid).toBe(true);
    const cap = parseCap(xml);
    expect(cap.status).toBe('Exercise');
    expect(cap.note).toMatch(/^ESERCITAZIONE/);
  });

  it('leaves out an alert CAP cannot express, tells why, and keeps serving the others', async () => {
    const clock = createManualClock(Date.parse('2025-03-01T08:00:00Z'));
    feed = createFeed({ comune: { name: 'Jesi' }, clock });
    const skipped: unknown[] = [];
    const cap = createCapFeed({ feed, sender: SENDER, clock, onEvent: (event) => skipped.push(event) });
    server = await serve(cap.handler);
    // Sent after it expires: the core accepts it (it checks expiry against effective), CAP does not.
    feed.upsert(
      announcement({ id: 'strana', sent: '2025-03-01T12:00:00+01:00', expires: '2025-03-01T11:00:00+01:00' }),
    );
    feed.upsert(
      announcement({
        id: 'buona',
        content: { it: { headline: 'Avviso', body: 'Testo con \u0007 un carattere di controllo.' } },
      }),
    );
    const index = parseXmlTree(await (await fetch(`${server.url}/avvisi/cap`)).text());
    expect(children(index, 'entry').map((entry) => text(entry, 'title'))).toEqual(['Avviso']);
    expect(skipped).toEqual([{ type: 'cap.skipped', id: 'strana', paths: ['alert/info[0]/expires'] }]);
    const xml = await (await fetch(`${server.url}/avvisi/cap/buona.xml`)).text();
    expect(xmllintSchema(xml).valid).toBe(true);
    expect(parseCap(xml).info[0]?.description).toBe('Testo con \uFFFD un carattere di controllo.');
  });

  it('refuses preview when not allowed, other methods, and answers CORS preflight like the JSON feed', async () => {
    const url = await start(false);
    expect((await fetch(`${url}?preview`)).status).toBe(403);
    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
    const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://www.comune.jesi.an.it' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
  });
});
