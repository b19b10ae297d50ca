import { describe, expect, it } from 'vitest';
import { createManualClock } from '../testing/manual-clock.js';
import { announcement } from '../test-support/feed.js';
import { createFeed } from './create-feed.js';
import type { FeedDocument } from './feed-format.js';

async function alertsOf(feed: ReturnType<typeof createFeed>): Promise<Array<[string, string]>> {
  const document = (await (
    await feed.handler(new Request('https://comune.example/avvisi.json'))
  ).json()) as FeedDocument;
  return document.alerts.map((alert) => [alert.id, alert.msgType]);
}

describe('feed: one card per situation', () => {
  it('a cancel of the first alert also ends the card of the update that replaced it', async () => {
    const feed = createFeed({
      comune: { name: 'Jesi', istat: '042021' },
      clock: createManualClock(Date.parse('2025-03-01T08:00:00Z')),
    });
    feed.upsert(announcement({ id: 'frana' }));
    feed.upsert(announcement({ id: 'frana.2', type: 'update', references: ['frana'] }));
    feed.upsert(announcement({ id: 'altro' }));
    expect(await alertsOf(feed)).toEqual(
      expect.arrayContaining([
        ['frana.2', 'Update'],
        ['altro', 'Alert'],
      ]),
    );
    feed.upsert(announcement({ id: 'frana-revoca', type: 'cancel', references: ['frana'] }));
    const after = await alertsOf(feed);
    expect(after).toHaveLength(2);
    expect(after).toEqual(
      expect.arrayContaining([
        ['frana-revoca', 'Cancel'],
        ['altro', 'Alert'],
      ]),
    );
    feed.close();
  });
});
