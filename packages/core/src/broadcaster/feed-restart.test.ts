import { describe, expect, it } from 'vitest';
import type { Announcement } from '../domain/announcement.js';
import { createFeed } from '../feed/create-feed.js';
import { createMemoryStore } from '../store/memory-store.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { createSandboxChannel } from '../testing/sandbox-channel.js';
import { seedSubscribers } from '../test-support/seed.js';
import { createBroadcaster } from './create-broadcaster.js';
import type { AnnouncementSink } from './types.js';

/** A sink that keeps what it was told, by announcement id. */
function recordingSink(): AnnouncementSink & { shown: Map<string, Announcement>; removed: string[] } {
  const shown = new Map<string, Announcement>();
  const removed: string[] = [];
  return {
    shown,
    removed,
    upsert: (announcement) => void shown.set(announcement.id, announcement),
    remove: (id) => {
      removed.push(id);
      shown.delete(id);
    },
  };
}

describe('the announcement sink after a restart', () => {
  it('shows the current alerts again on resume(), and nothing cancelled, expired or superseded', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 5, { topics: ['meteo', 'eventi'] });
    const before = createBroadcaster({ store, channels: [createSandboxChannel()], announcementSink: recordingSink() });
    await (
      await before.publish(sampleAnnouncement({ id: 'meteo-1', topics: ['meteo'] }))
    ).done;
    await (
      await before.publish(sampleAnnouncement({ id: 'eventi-1' }))
    ).done;
    await (
      await before.publish(sampleAnnouncement({ id: 'eventi-1', revision: 2 }))
    ).done;
    const past = new Date(Date.now() - 60_000).toISOString();
    await (
      await before.publish(sampleAnnouncement({ id: 'scaduto-1', expires: past }))
    ).done;
    // Its sends hang, so the cancel surely finds the run active.
    const slow = createSandboxChannel({ latencyMs: 60_000 });
    const held = createBroadcaster({ store, channels: [slow], announcementSink: recordingSink() });
    const cancelled = await held.publish(sampleAnnouncement({ id: 'annullato-1' }));
    await cancelled.cancel();
    await cancelled.done;
    await before.close();
    await held.close();

    // A new process: its feed starts empty, as a real restart would.
    const feed = createFeed({ comune: { name: 'Jesi' } });
    const after = createBroadcaster({ store, channels: [createSandboxChannel()], announcementSink: feed });
    expect(feed.alerts()).toEqual([]);
    await after.resume();
    expect(feed.alerts().map((alert) => [alert.id, alert.revision])).toEqual([
      ['meteo-1', 1],
      ['eventi-1', 2],
    ]);
    await after.close();
    feed.close();
  });

  it('a republish that finds the run (created: false) shows the announcement again', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 3, { topics: ['eventi'] });
    const first = createBroadcaster({ store, channels: [createSandboxChannel()] });
    await (
      await first.publish(sampleAnnouncement())
    ).done;
    await first.close();

    const sink = recordingSink();
    const again = createBroadcaster({ store, channels: [createSandboxChannel()], announcementSink: sink });
    const run = await again.publish(sampleAnnouncement());
    expect(run.created).toBe(false);
    expect([...sink.shown.keys()]).toEqual(['eventi-settimana-48']);
    await again.close();
  });

  it('takes an announcement out when its run is cancelled or expires, not when a newer revision is live', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 20, { topics: ['eventi'] });
    const sink = recordingSink();
    const slow = createSandboxChannel({ latencyMs: 100, limits: { concurrency: 1 } });
    const broadcaster = createBroadcaster({ store, channels: [slow], announcementSink: sink });

    const cancelled = await broadcaster.publish(sampleAnnouncement({ id: 'annullato-1' }));
    expect(sink.shown.has('annullato-1')).toBe(true);
    await broadcaster.cancel(cancelled.id);
    await cancelled.done;
    expect(sink.removed).toEqual(['annullato-1']);

    const expiring = await broadcaster.publish(
      sampleAnnouncement({ id: 'breve-1', expires: new Date(Date.now() + 300).toISOString() }),
    );
    expect((await expiring.done).status).toBe('expired');
    expect(sink.removed).toEqual(['annullato-1', 'breve-1']);

    // Revision 1 cancelled while revision 2 is live: the feed keeps revision 2.
    const old = await broadcaster.publish(sampleAnnouncement({ id: 'aggiornato-1' }));
    const newer = await broadcaster.publish(sampleAnnouncement({ id: 'aggiornato-1', revision: 2 }));
    await old.cancel();
    await old.done;
    expect(sink.shown.get('aggiornato-1')?.revision).toBe(2);
    expect(sink.removed).not.toContain('aggiornato-1');
    await newer.cancel();
    await broadcaster.close();
  });
});
