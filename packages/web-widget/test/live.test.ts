import type { Feed } from '@banditore/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, launchBrowser } from './helpers/browser.js';
import { announcementFor } from './helpers/fixtures.js';
import { hostPage, startServer, type FixtureServer } from './helpers/server.js';

let browser: Browser;
let site: FixtureServer;
// The feed lives on another origin, as on a real comune site (CORS included).
let feedServer: FixtureServer;
const feeds = new Map<string, Feed>();
let page: Page;
let count = 0;

beforeAll(async () => {
  [browser, site, feedServer] = await Promise.all([launchBrowser(), startServer(), startServer(0, feeds)]);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await feedServer?.close();
  for (const feed of feeds.values()) feed.close();
});

afterEach(async () => {
  await page?.context().close();
});

async function open(attrs: Record<string, string | true> = {}): Promise<{ page: Page; feed: Feed; name: string }> {
  const name = `live${++count}`;
  const feed = feedServer.feed(name);
  page = await (await browser.newContext()).newPage();
  await page.goto(site.page(hostPage({ attrs: { feed: `${feedServer.url}/feeds/${name}.json`, ...attrs } })));
  await page
    .locator('banditore-alerts')
    .getByText(/Aggiornato/)
    .waitFor();
  return { page, feed, name };
}

const status = (p: Page) =>
  p.locator('banditore-alerts').evaluate((el) => (el as unknown as { status: string }).status);
const ids = (p: Page) =>
  p.locator('banditore-alerts li[data-id]').evaluateAll((items) => items.map((i) => i.getAttribute('data-id')));
const regions = (p: Page) =>
  p.locator('banditore-alerts').evaluate((el) => ({
    polite: el.shadowRoot!.querySelector('[role="status"]')!.textContent,
    assertive: el.shadowRoot!.querySelector('[role="alert"]')!.textContent,
  }));

describe('<banditore-alerts> live updates', () => {
  it('shows new alerts from the event stream, announcing critical ones assertively and never moving focus', async () => {
    const { page: p, feed } = await open();
    await eventually(async () => (await status(p)) === 'live', 'the stream to open');
    expect(await regions(p)).toEqual({ polite: '', assertive: '' });
    await expect(
      p
        .locator('banditore-alerts')
        .getByText(/^Nessun avviso attivo\. Aggiornato alle/)
        .count(),
    ).resolves.toBe(1);
    await p.locator('#host-button').focus();

    feed.upsert(announcementFor('info'));
    await eventually(async () => (await ids(p)).includes('chiusura-via-roma'), 'the info alert');
    await eventually(async () => (await regions(p)).polite !== '', 'the polite announcement');
    expect(await regions(p)).toEqual({ polite: 'Avviso: Chiusura di via Roma per lavori', assertive: '' });

    feed.upsert(announcementFor('critical'));
    await eventually(async () => (await regions(p)).assertive !== '', 'the assertive announcement');
    expect((await regions(p)).assertive).toBe('Allerta rossa: Esondazione del fiume Esino: lasciate i piani bassi');
    expect(await ids(p)).toEqual(['allerta-rossa', 'chiusura-via-roma']);
    await expect(p.evaluate(() => document.activeElement?.id)).resolves.toBe('host-button');

    feed.remove('allerta-rossa');
    await eventually(async () => (await ids(p)).length === 1, 'the removal');
  });

  it('reads each of several critical alerts that arrive together, none cut off by the next', async () => {
    const { page: p, feed } = await open();
    await eventually(async () => (await status(p)) === 'live', 'the stream to open');
    // Every text the assertive region holds, with when it was written.
    await p.locator('banditore-alerts').evaluate((el) => {
      const region = el.shadowRoot!.querySelector('[role="alert"]')!;
      const log: { text: string; at: number }[] = [];
      (window as unknown as { __assertive: typeof log }).__assertive = log;
      new MutationObserver(() => log.push({ text: region.textContent ?? '', at: performance.now() })).observe(region, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    const headlines = [1, 2, 3, 4, 5].map((n) => `Evacuazione della zona ${n}`);
    headlines.forEach((headline, index) =>
      feed.upsert({ ...announcementFor('critical'), id: `rossa-${index}`, content: { it: { headline } } }),
    );
    // A screen reader reads a live region's text only if it stays there: count the texts that
    // were not replaced within a second (or are still there).
    const read = () =>
      p.evaluate(() => {
        const log = (window as unknown as { __assertive: { text: string; at: number }[] }).__assertive;
        const now = performance.now();
        return log.filter((entry, i) => (log[i + 1]?.at ?? now) - entry.at >= 1000).map((entry) => entry.text);
      });
    await eventually(
      async () => {
        const texts = await read();
        return headlines.every((headline) => texts.some((text) => text.includes(headline)));
      },
      'every critical alert to be read',
      60_000,
    );
  });

  it('batches polite announcements and stays silent with announce="off"', async () => {
    const { page: p, feed } = await open();
    await eventually(async () => (await status(p)) === 'live', 'the stream to open');
    feed.upsert(announcementFor('info'));
    feed.upsert(announcementFor('medium'));
    await eventually(async () => (await regions(p)).polite !== '', 'the polite announcement');
    expect((await regions(p)).polite).toMatch(/^2 nuovi avvisi\. /);

    const quiet = await open({ announce: 'off' });
    await eventually(async () => (await status(quiet.page)) === 'live', 'the stream to open');
    quiet.feed.upsert(announcementFor('critical'));
    await eventually(async () => (await ids(quiet.page)).length === 1, 'the critical alert');
    await quiet.page.waitForTimeout(2500);
    expect(await regions(quiet.page)).toEqual({ polite: '', assertive: '' });
  });

  it('shows an outage as such, keeps the alerts, and resumes from the last event when the server is back', async () => {
    const { page: p, feed } = await open();
    feed.upsert(announcementFor('info'));
    await eventually(async () => (await ids(p)).length === 1 && (await status(p)) === 'live', 'live with one alert');
    const port = feedServer.port;
    await feedServer.close();
    await eventually(async () => (await status(p)) === 'stale', 'the stale status');
    const text = await p.locator('banditore-alerts [part="status"]').textContent();
    expect(text).toMatch(/^Connessione assente: ultimo aggiornamento alle \d\d:\d\d\. Nuovo tentativo tra \d+ s\.$/);
    expect(await ids(p)).toEqual(['chiusura-via-roma']);

    feed.upsert(announcementFor('critical'));
    feedServer = await startServer(port, feeds);
    await eventually(
      async () => (await ids(p)).includes('allerta-rossa') && (await status(p)) === 'live',
      'recovery',
      20_000,
    );
    const streamRequests = feedServer.requests.filter((r) => r.includes('/stream'));
    expect(streamRequests.some((r) => /[?&]lastEventId=/.test(r))).toBe(true);
  });

  it('polls the JSON feed when told to, without opening a stream', async () => {
    const { page: p, feed, name } = await open({ live: 'poll', 'poll-interval': '2' });
    expect(await status(p)).toBe('polling');
    feed.upsert(announcementFor('high'));
    await eventually(async () => (await ids(p)).includes('allerta-arancione'), 'the polled alert', 8_000);
    const mine = feedServer.requests.filter((r) => r.startsWith(`/feeds/${name}`));
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(mine.every((r) => r === `/feeds/${name}.json`)).toBe(true);
  });

  it('falls back to polling when the event stream keeps failing', async () => {
    const { page: p, feed } = await open({
      stream: `${feedServer.url}/feeds/nothing-here/stream`,
      'poll-interval': '2',
    });
    await eventually(async () => (await status(p)) === 'polling', 'the switch to polling', 20_000);
    feed.upsert(announcementFor('medium'));
    await eventually(async () => (await ids(p)).includes('allerta-gialla'), 'the polled alert', 8_000);
  });

  it('closes the stream while the tab is hidden and reopens it when visible', async () => {
    const { page: p, feed } = await open();
    await eventually(async () => (await status(p)) === 'live' && feed.liveClients() === 1, 'one live client');
    const setVisibility = (state: string) =>
      p.evaluate((value) => {
        Object.defineProperty(document, 'visibilityState', { value, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);
    await setVisibility('hidden');
    await eventually(() => feed.liveClients() === 0, 'the stream to close', 10_000);
    expect(await status(p)).toBe('paused');
    await setVisibility('visible');
    await eventually(async () => feed.liveClients() === 1 && (await status(p)) === 'live', 'the stream to reopen');
  });

  it('removes an expired alert by itself, without asking the feed', async () => {
    const { page: p, feed } = await open({ live: 'off' });
    feed.upsert({ ...announcementFor('info'), expires: new Date(Date.now() + 2500).toISOString() });
    await p.locator('banditore-alerts').evaluate((el) => (el as unknown as { refresh(): Promise<void> }).refresh());
    await eventually(async () => (await ids(p)).length === 1, 'the alert');
    await eventually(async () => (await ids(p)).length === 0, 'the local expiry', 6_000);
  });
});
