import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { seedSubscribers } from '../test-support/seed.js';
import { createScriptedChannel } from '../test-support/scripted-channel.js';
import { createBroadcaster } from './create-broadcaster.js';
import type { BroadcastEvent } from './events.js';

describe('recipients that move', () => {
  it('still follows a move that comes after several channel pauses', async () => {
    const store = createMemoryStore();
    const [id] = await seedSubscribers(store, 1, { prefix: 'old-' });
    const channel = createScriptedChannel((address, call) => {
      if (address !== 'old-0') return 'ok';
      return call <= 4 ? { code: 'RATE_LIMITED', retryAfterMs: 5 } : { code: 'RECIPIENT_MOVED', newAddress: 'new-0' };
    });
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const report = await (await broadcaster.publish(sampleAnnouncement())).done;

    expect(report.channels[0]).toMatchObject({ sent: 1, failed: 0 });
    expect(channel.deliveries.map((delivery) => delivery.address)).toEqual(['new-0']);
    await expect(store.getSubscriber(id!)).resolves.toMatchObject({ address: 'new-0' });
    await broadcaster.close();
  });

  it('ends a loop of moves with a recorded failure', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 1, { prefix: 'a-' });
    // a-0 → b-0 → a-0 → b-0 …: a channel bug or a provider loop, never a real migration.
    const channel = createScriptedChannel((address) => ({
      code: 'RECIPIENT_MOVED',
      newAddress: address === 'a-0' ? 'b-0' : 'a-0',
    }));
    const events: BroadcastEvent[] = [];
    const broadcaster = createBroadcaster({ store, channels: [channel], onEvent: (event) => events.push(event) });
    const report = await (await broadcaster.publish(sampleAnnouncement())).done;

    expect(report.channels[0]).toMatchObject({ sent: 0, failed: 1, byCode: { RECIPIENT_MOVED: 1 } });
    expect(channel.calls.length).toBeLessThanOrEqual(4);
    expect(events.filter((event) => event.type === 'subscriber.readdressed').length).toBeLessThanOrEqual(3);
    await broadcaster.close();
  });

  it('does not send twice when a recipient moves onto an address that is already subscribed', async () => {
    const store = createMemoryStore();
    const [moving] = await seedSubscribers(store, 1, { prefix: 'old-' });
    const [existing] = await seedSubscribers(store, 1, { prefix: 'new-' });
    const channel = createScriptedChannel((address) =>
      address === 'old-0' ? { code: 'RECIPIENT_MOVED', newAddress: 'new-0' } : 'ok',
    );
    const events: BroadcastEvent[] = [];
    const broadcaster = createBroadcaster({ store, channels: [channel], onEvent: (event) => events.push(event) });
    const report = await (await broadcaster.publish(sampleAnnouncement())).done;

    expect(channel.deliveries.map((delivery) => delivery.address)).toEqual(['new-0']);
    expect(report.channels[0]).toMatchObject({ sent: 1, dropped: 1, byCode: { RECIPIENT_MOVED: 1 } });
    await expect(store.getSubscriber(moving!)).resolves.toMatchObject({ address: 'old-0', status: 'unreachable' });
    await expect(store.getSubscriber(existing!)).resolves.toMatchObject({ address: 'new-0', status: 'active' });
    await expect(store.findSubscriber('sandbox', 'new-0')).resolves.toMatchObject({ id: existing });
    expect(events.some((event) => event.type === 'internal.error')).toBe(false);
    await broadcaster.close();
  });
});
