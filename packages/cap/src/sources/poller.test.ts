import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createManualClock } from '@banditore/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { readData } from '../test-support/data.js';
import { createDpcSource } from './dpc.js';
import { createIngvSource } from './ingv.js';
import { createMeteoalarmSource } from './meteoalarm.js';
import { createSourcePoller, type SourceEvent } from './poller.js';
import type { SourceDraft } from './source.js';

const JESI = { name: 'Jesi', lat: 43.5236, lon: 13.2439 };
const INGV_TEXT = readData('ingv/text/ingv_emilia_2012-05-29.txt');

type Reply = (response: ServerResponse, headers: IncomingHttpHeaders) => void;

let server: Server | undefined;
const held: ServerResponse[] = [];
afterEach(async () => {
  for (const response of held.splice(0)) response.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server?.closeAllConnections();
  server = undefined;
});

/** A real local server that answers each request with the next reply (the last one repeats). */
async function serveReplies(
  replies: Reply[],
): Promise<{ url: string; requests: IncomingHttpHeaders[]; paths: string[] }> {
  const requests: IncomingHttpHeaders[] = [];
  const paths: string[] = [];
  server = createServer((request, response) => {
    requests.push(request.headers);
    paths.push(request.url ?? '');
    const reply = replies[Math.min(requests.length - 1, replies.length - 1)]!;
    reply(response, request.headers);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, paths };
}

const withEtag =
  (body: string, etag: string, type = 'text/plain'): Reply =>
  (response, headers) => {
    if (headers['if-none-match'] === etag) response.writeHead(304, { etag }).end();
    else
      response
        .writeHead(200, { 'content-type': type, etag, 'last-modified': 'Tue, 29 May 2012 23:59:00 GMT' })
        .end(body);
  };

function setup(url: string, extra: { timeoutMs?: number } = {}) {
  const clock = createManualClock(Date.parse('2012-05-30T06:00:00Z'));
  const events: SourceEvent[] = [];
  const received: SourceDraft[][] = [];
  const source = createIngvSource({
    comune: { name: 'Mirandola', lat: 44.8867, lon: 11.066 },
    minMagnitude: 2,
    baseUrl: `${url}/fdsnws/event/1/query`,
  });
  const poller = createSourcePoller({
    source,
    clock,
    intervalMs: 60_000,
    onDrafts: (drafts) => void received.push(drafts),
    onEvent: (event) => events.push(event),
    ...extra,
  });
  return { clock, events, received, poller };
}

describe('source poller', () => {
  it('polls the recorded INGV answer, then asks conditionally and gets 304 without drafts', async () => {
    const { url, requests, paths } = await serveReplies([withEtag(INGV_TEXT, '"v1"')]);
    const { events, received, poller } = setup(url);
    expect(await poller.poll()).toMatchObject({ status: 'updated' });
    expect(received[0]?.map((draft) => draft.key)).toContain('ingv:863291');
    expect(received[0]?.[0]?.announcement.content.it?.headline).toBe('Terremoto di magnitudo 2.9 a 12 km da Mirandola');
    expect(paths[0]).toMatch(/^\/fdsnws\/event\/1\/query\?starttime=2012-05-28T00%3A00%3A00&/);
    expect(await poller.poll()).toEqual({ status: 'unchanged' });
    expect(requests[1]).toMatchObject({
      'if-none-match': '"v1"',
      'if-modified-since': 'Tue, 29 May 2012 23:59:00 GMT',
    });
    expect(received).toHaveLength(1);
    expect(events.map((event) => event.type)).toEqual(['source.updated', 'source.unchanged']);
  });

  it('counts an identical body as unchanged when the server sends no validators (MeteoAlarm)', async () => {
    const feed = readData('meteoalarm/feeds-italy.sample-2026-07-31.json');
    const { url, requests } = await serveReplies([
      (response) => response.writeHead(200, { 'content-type': 'application/json' }).end(feed),
    ]);
    const received: SourceDraft[][] = [];
    const poller = createSourcePoller({
      source: createMeteoalarmSource({ regions: ['IT012'], url: `${url}/api/v1/warnings/feeds-italy` }),
      clock: createManualClock(),
      onDrafts: (drafts) => void received.push(drafts),
    });
    expect((await poller.poll()).status).toBe('updated');
    expect((await poller.poll()).status).toBe('unchanged');
    expect(requests[1]?.['if-none-match']).toBeUndefined();
    expect(received).toHaveLength(1);
  });

  const outages: [string, Reply, Record<string, unknown>][] = [
    [
      'a 500',
      (response) => response.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Internal Server Error</h1>'),
      { reason: 'http-status', httpStatus: 500 },
    ],
    [
      'garbage',
      (response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('\u0000\u0001 not an answer'),
      { reason: 'invalid-body', httpStatus: 200 },
    ],
    [
      'an HTML page with 200',
      (response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>manutenzione</p>'),
      { reason: 'invalid-body' },
    ],
  ];
  it.each(outages)('turns %s into no draft and an event saying why', async (_name, reply, expected) => {
    const { url } = await serveReplies([reply]);
    const { events, received, poller } = setup(url);
    expect(await poller.poll()).toMatchObject({ status: 'failed', ...expected });
    expect(received).toEqual([]);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'source.failed',
        source: 'ingv',
        consecutiveFailures: 1,
        retryInMs: 120_000,
        ...expected,
      }),
    ]);
    expect(JSON.stringify(events)).not.toContain('127.0.0.1');
  });

  it('fails with timeout when the source does not answer in time (time driven by the clock)', async () => {
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    const { url } = await serveReplies([
      (response) => {
        held.push(response);
        arrived();
      },
    ]);
    const { clock, events, received, poller } = setup(url, { timeoutMs: 10_000 });
    const outcome = poller.poll();
    await requestArrived;
    clock.advance(10_000);
    expect(await outcome).toEqual({ status: 'failed', reason: 'timeout' });
    expect(received).toEqual([]);
    expect(events[0]).toMatchObject({ type: 'source.failed', reason: 'timeout' });
  });

  it('fails with network when nothing listens', async () => {
    const { url } = await serveReplies([(response) => response.end()]);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const { events, poller } = setup(url);
    expect(await poller.poll()).toEqual({ status: 'failed', reason: 'network' });
    expect(events[0]).toMatchObject({ type: 'source.failed', reason: 'network', detail: 'ECONNREFUSED' });
  });

  it('backs off exponentially on a schedule, honours Retry-After, and recovers', async () => {
    const { url, requests } = await serveReplies([
      (response) => response.writeHead(503, { 'retry-after': '600' }).end(),
      (response) => response.writeHead(500).end(),
      withEtag(INGV_TEXT, '"v1"'),
    ]);
    const { clock, events, received, poller } = setup(url);
    const waitFor = async (count: number): Promise<void> => {
      while (events.length < count) await new Promise((resolve) => setImmediate(resolve));
    };
    poller.start();
    await waitFor(1);
    expect(events[0]).toMatchObject({ reason: 'http-status', httpStatus: 503, retryInMs: 600_000 });
    clock.advance(599_999);
    expect(requests).toHaveLength(1);
    clock.advance(1);
    await waitFor(2);
    expect(events[1]).toMatchObject({ httpStatus: 500, consecutiveFailures: 2, retryInMs: 240_000 });
    clock.advance(240_000);
    await waitFor(3);
    expect(events[2]).toMatchObject({ type: 'source.updated' });
    expect(received).toHaveLength(1);
    // Back to the normal interval.
    while (clock.pending < 1) await new Promise((resolve) => setImmediate(resolve));
    clock.advance(60_000);
    await waitFor(4);
    expect(events[3]).toMatchObject({ type: 'source.unchanged' });
    poller.stop();
    expect(clock.pending).toBe(0);
  });

  it('polls a QuakeML answer served locally (format=xml) and drafts from it', async () => {
    const quakeml = readData('ingv/quakeml/marche-2022-11-aftershocks.fanolug.xml');
    const { url, paths } = await serveReplies([withEtag(quakeml, '"q1"', 'application/xml')]);
    const received: SourceDraft[][] = [];
    const poller = createSourcePoller({
      source: createIngvSource({ comune: JESI, format: 'quakeml', baseUrl: `${url}/fdsnws/event/1/query` }),
      clock: createManualClock(Date.parse('2022-11-16T10:00:00Z')),
      onDrafts: (drafts) => void received.push(drafts),
    });
    expect((await poller.poll()).status).toBe('updated');
    expect(paths[0]).toContain('format=xml');
    expect(received[0]?.map((draft) => draft.announcement.content.it?.headline)).toEqual([
      'Terremoto di magnitudo 3.5 a 48 km da Jesi',
      'Terremoto di magnitudo 3.2 a 46 km da Jesi',
    ]);
  });

  it('polls the DPC index served locally and drafts the Marc-4 colour', async () => {
    const { url } = await serveReplies([withEtag(readData('dpc/20230516_1522.json'), '"b1"', 'application/json')]);
    const received: SourceDraft[][] = [];
    const poller = createSourcePoller({
      source: createDpcSource({ comune: 'Jesi', zone: { code: 'Marc-4' }, url: `${url}/files/20230516_1522.json` }),
      clock: createManualClock(),
      onDrafts: (drafts) => void received.push(drafts),
    });
    await poller.poll();
    expect(received[0]?.map((draft) => draft.announcement.colorCode)).toEqual(['arancione', 'arancione']);
  });

  it('refuses a body larger than maxBytes', async () => {
    const { url } = await serveReplies([(response) => response.writeHead(200).end('x'.repeat(5000))]);
    const events: SourceEvent[] = [];
    const poller = createSourcePoller({
      source: createIngvSource({ comune: JESI, baseUrl: url }),
      clock: createManualClock(),
      maxBytes: 1024,
      onDrafts: () => undefined,
      onEvent: (event) => events.push(event),
    });
    expect(await poller.poll()).toMatchObject({ status: 'failed', reason: 'too-large' });
  });
});
