import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createSandboxChannel, type SandboxDelivery } from '../testing/sandbox-channel.js';
import { seedSubscribers } from '../test-support/seed.js';
import { drive, elapse } from '../test-support/drive.js';
import { createBroadcaster } from './create-broadcaster.js';

/** Index of the first and last delivery of an announcement in send order. */
function span(deliveries: readonly SandboxDelivery[], announcementId: string): [number, number] {
  const order = deliveries.map((delivery) => delivery.announcementId);
  return [order.indexOf(announcementId), order.lastIndexOf(announcementId)];
}

describe('priority across runs and lanes', () => {
  it('on every lane sends emergency before normal before bulk, whatever the publishing order', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ clock });
    for (const channel of ['fast', 'slow']) await seedSubscribers(store, 60, { channel, prefix: `${channel}-` });
    const fast = createSandboxChannel({ name: 'fast', clock, limits: { ratePerSecond: 100, concurrency: 4 } });
    const slow = createSandboxChannel({ name: 'slow', clock, limits: { ratePerSecond: 40, concurrency: 2 } });
    const broadcaster = createBroadcaster({ store, channels: [fast, slow], clock });

    const bulk = await broadcaster.publish(sampleAnnouncement({ id: 'bulk' }), { priority: 'bulk' });
    await elapse(clock, 200);
    const normal = await broadcaster.publish(sampleAnnouncement({ id: 'normal' }));
    await elapse(clock, 200);
    const emergency = await broadcaster.publish(sampleAnnouncement({ id: 'emergency', severity: 'extreme' }));
    await drive(clock, Promise.all([bulk.done, normal.done, emergency.done]), 5);

    for (const [channel, concurrency] of [
      [fast, 4],
      [slow, 2],
    ] as const) {
      expect(channel.deliveries).toHaveLength(180);
      const [emergencyFirst, emergencyLast] = span(channel.deliveries, 'emergency');
      const [normalFirst, normalLast] = span(channel.deliveries, 'normal');
      const [bulkFirst, bulkLast] = span(channel.deliveries, 'bulk');
      // Bulk started alone, normal overtook it, the emergency overtook both; each finished in
      // that order, and only sends already granted slipped through once overtaken.
      expect(bulkFirst).toBe(0);
      expect(bulkFirst).toBeLessThan(normalFirst);
      expect(normalFirst).toBeLessThan(emergencyFirst);
      expect(emergencyLast).toBeLessThan(normalLast);
      expect(normalLast).toBeLessThan(bulkLast);
      const during = channel.deliveries.slice(emergencyFirst, emergencyLast + 1);
      expect(during.filter((delivery) => delivery.announcementId !== 'emergency').length).toBeLessThanOrEqual(
        concurrency,
      );
    }
    await broadcaster.close();
  });
});
