import { afterEach, describe, expect, it } from 'vitest';
import { serve, type RunningServer } from '../http/serve.js';
import { createFeed, type Feed } from './create-feed.js';
import type { FeedOptions } from './feed-options.js';
import type { FeedAlert, FeedDocument } from './feed-format.js';
import { createManualClock, type ManualClock } from '../testing/manual-clock.js';
import { announcement, readEvents } from '../test-support/feed.js';

let server: RunningServer | undefined;
let feed: Feed | undefined;
const aborts: AbortController[] = [];

afterEach(async () => {
  for (const controller of aborts.splice(0)) controller.abort();
  feed?.close();
  await server?.close();
  server = undefined;
  feed = undefined;
});

async function start(
  options: Partial<FeedOptions> = {},
  clock: ManualClock = createManualClock(Date.parse('2025-03-01T08:00:00Z')),
): Promise<string> {
  feed = createFeed({ comune: { name: 'Jesi' }, clock, ...options });
  server = await serve(feed.streamHandler);
  return `${server.url}/avvisi/stream`;
}

async function connect(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  aborts.push(controller);
  const response = await fetch(url, { headers, signal: controller.signal });
  return { response, events: readEvents(response), abort: () => controller.abort() };
}

type Event = { event: string; id: string | undefined; data: string };

async function next(events: AsyncGenerator<Event>): Promise<Event> {
  const result = await events.next();
  if (result.done === true) throw new Error('stream ended');
  return result.value;
}

// Process-level limits scale on slow or busy machines: BANDITORE_TEST_SLOWDOWN=4 gives four times as long.
const SLOWDOWN = Math.max(1, Number(process.env.BANDITORE_TEST_SLOWDOWN ?? 1) || 1);

/** Polls until `check()` holds; a hang is caught by the test's own timeout, not by a budget here. */
async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('feed event stream', () => {
  it('starts with retry and a snapshot of the whole document, then streams upserts and removes', async () => {
    const url = await start({ retryMs: 2_000 });
    feed!.upsert(announcement());
    const { response, events } = await connect(url);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store, no-transform');
    expect(await next(events)).toEqual({ event: 'retry', id: undefined, data: '2000' });
    const snapshot = await next(events);
    expect(snapshot.event).toBe('snapshot');
    expect(snapshot.id).toMatch(/-1$/);
    const document = JSON.parse(snapshot.data) as FeedDocument;
    expect(document.alerts.map((alert) => alert.id)).toEqual(['allerta-1']);

    feed!.upsert(announcement({ id: 'lavori-2', severity: 'minor', colorCode: undefined }));
    const upsert = await next(events);
    expect(upsert.event).toBe('upsert');
    expect(upsert.id).toMatch(/-2$/);
    expect((JSON.parse(upsert.data) as FeedAlert).severity).toBe('Minor');

    feed!.remove('allerta-1');
    const removal = await next(events);
    expect(removal).toMatchObject({ event: 'remove', data: JSON.stringify({ id: 'allerta-1' }) });
    expect(removal.id).toMatch(/-3$/);
  });

  it('sends only what was missed to a client resuming with Last-Event-ID', async () => {
    const url = await start();
    feed!.upsert(announcement());
    const first = await connect(url);
    await next(first.events);
    const snapshotId = (await next(first.events)).id!;
    first.abort();
    feed!.upsert(announcement({ id: 'b', severity: 'minor', colorCode: undefined }));
    feed!.upsert(announcement({ id: 'c', severity: 'minor', colorCode: undefined }));
    const resumed = await connect(url, { 'last-event-id': snapshotId });
    await next(resumed.events);
    const ids = [await next(resumed.events), await next(resumed.events)].map(
      (e) => (JSON.parse(e.data) as FeedAlert).id,
    );
    expect(ids).toEqual(['b', 'c']);
    // The query-string form (used when a client opens a new EventSource itself) works the same way.
    const viaQuery = await connect(`${url}?lastEventId=${encodeURIComponent(snapshotId)}`);
    await next(viaQuery.events);
    expect((await next(viaQuery.events)).event).toBe('upsert');
  });

  it('sends a fresh snapshot when the id is from another process or too old to replay', async () => {
    const url = await start({ historySize: 1 });
    feed!.upsert(announcement());
    const stranger = await connect(url, { 'last-event-id': 'zzz-1' });
    await next(stranger.events);
    expect((await next(stranger.events)).event).toBe('snapshot');
    feed!.upsert(announcement({ id: 'b', severity: 'minor', colorCode: undefined }));
    feed!.upsert(announcement({ id: 'c', severity: 'minor', colorCode: undefined }));
    const epoch = (await next(stranger.events)).id!.split('-')[0]!;
    const old = await connect(url, { 'last-event-id': `${epoch}-1` });
    await next(old.events);
    const event = await next(old.events);
    expect(event.event).toBe('snapshot');
    expect((JSON.parse(event.data) as FeedDocument).alerts).toHaveLength(3);
  });

  it('hides non-actual announcements from public clients but not from preview clients', async () => {
    const url = await start({ preview: true });
    const pub = await connect(url);
    const pre = await connect(`${url}?preview`);
    await next(pub.events);
    await next(pub.events);
    await next(pre.events);
    await next(pre.events);
    feed!.upsert(announcement({ id: 'prova', status: 'test' }));
    feed!.upsert(announcement({ id: 'vero' }));
    expect((JSON.parse((await next(pre.events)).data) as FeedAlert).id).toBe('prova');
    expect((JSON.parse((await next(pre.events)).data) as FeedAlert).id).toBe('vero');
    // The public client's first event is the actual one: the test never reached it.
    expect((JSON.parse((await next(pub.events)).data) as FeedAlert).id).toBe('vero');
  });

  it('writes one heartbeat comment per interval to every client, from a single timer', async () => {
    const clock = createManualClock(Date.parse('2025-03-01T08:00:00Z'));
    const url = await start({ heartbeatMs: 25_000 }, clock);
    const baseline = clock.pending;
    const clients = await Promise.all([connect(url), connect(url), connect(url)]);
    for (const client of clients) {
      await next(client.events);
      await next(client.events);
    }
    expect(clock.pending).toBe(baseline + 1);
    clock.advance(25_000);
    for (const client of clients)
      expect(await next(client.events)).toEqual({ event: 'comment', id: undefined, data: 'heartbeat' });
    expect(clock.pending).toBe(baseline + 1);
  });

  it('forgets a client that disconnects and stops the heartbeat when none is left', async () => {
    const clock = createManualClock(Date.parse('2025-03-01T08:00:00Z'));
    const url = await start({}, clock);
    const client = await connect(url);
    await next(client.events);
    await waitFor(() => feed!.liveClients() === 1);
    client.abort();
    await waitFor(() => feed!.liveClients() === 0);
    expect(clock.pending).toBe(0);
  });

  // 200 real connections: the limit is for a hang only, and scales on a slow machine.
  it('holds many idle clients and reaches each of them with one upsert', { timeout: 60_000 * SLOWDOWN }, async () => {
    const url = await start();
    const clients = await Promise.all(Array.from({ length: 200 }, () => connect(url)));
    for (const client of clients) {
      await next(client.events);
      await next(client.events);
    }
    expect(feed!.liveClients()).toBe(200);
    feed!.upsert(announcement());
    const received = await Promise.all(clients.map(async (client) => (await next(client.events)).event));
    expect(received.every((event) => event === 'upsert')).toBe(true);
  });

  it('refuses clients beyond maxClients with 503 and Retry-After', async () => {
    const url = await start({ maxClients: 1 });
    const first = await connect(url);
    await next(first.events);
    const second = await fetch(url);
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('60');
  });

  it('sends a remove to every client when an announcement expires by the clock', async () => {
    const clock = createManualClock(Date.parse('2025-03-01T08:00:00Z'));
    const url = await start({}, clock);
    feed!.upsert(announcement({ expires: new Date(clock.now() + 1_000).toISOString() }));
    const client = await connect(url);
    await next(client.events);
    await next(client.events);
    clock.advance(1_000);
    expect(await next(client.events)).toMatchObject({ event: 'remove', data: '{"id":"allerta-1"}' });
  });
});
