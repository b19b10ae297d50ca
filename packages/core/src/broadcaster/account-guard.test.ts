import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import { maxInAnySecond } from '../testing/measure.js';
import { createSandboxChannel } from '../testing/sandbox-channel.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { seedSubscribers } from '../test-support/seed.js';
import { createBroadcaster } from './create-broadcaster.js';

describe('one sender account, several processes', () => {
  it('sends a run on an account another process paces through that process, which puts an emergency first', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 150, { topics: ['eventi'], prefix: 'eventi-' });
    await seedSubscribers(store, 10, { topics: ['meteo'], prefix: 'meteo-' });
    const limits = { ratePerSecond: 25, concurrency: 4 };
    const inA = createSandboxChannel({ latencyMs: 2, limits });
    const inB = createSandboxChannel({ latencyMs: 2, limits });
    const a = createBroadcaster({ store, channels: [inA], instanceId: 'a' });
    const b = createBroadcaster({ store, channels: [inB], instanceId: 'b' });

    const routine = await a.publish(sampleAnnouncement({ id: 'mercato', topics: ['eventi'] }));
    while (inA.deliveries.length < 25) await new Promise((resolve) => setTimeout(resolve, 10));
    // Published on B while A paces the account: B holds it, A sends it before the rest of the routine.
    const emergency = await b.publish(
      sampleAnnouncement({ id: 'allerta-rossa', severity: 'extreme', topics: ['meteo'] }),
    );
    const emergencyReport = await emergency.done;
    const routineReport = await routine.done;

    expect(inB.deliveries).toHaveLength(0);
    expect(emergencyReport).toMatchObject({ status: 'completed' });
    expect(emergencyReport.channels[0]).toMatchObject({ sent: 10 });
    expect(routineReport.channels[0]).toMatchObject({ sent: 150 });
    const order = inA.deliveries.map((delivery) => delivery.address);
    const lastEmergency = Math.max(...order.map((address, index) => (address.startsWith('meteo-') ? index : -1)));
    // The emergency overtook the routine run's remaining 100-odd sends.
    expect(lastEmergency).toBeLessThan(order.length - 50);
    expect(maxInAnySecond(inA.deliveries.map((delivery) => delivery.at))).toBeLessThanOrEqual(25);
    await a.close();
    await b.close();
  });

  it('takes a run whose accounts nobody else paces', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 20);
    const inA = createSandboxChannel({ latencyMs: 1, limits: { ratePerSecond: 100, concurrency: 4 } });
    const inB = createSandboxChannel({ name: 'other', latencyMs: 1, limits: { ratePerSecond: 100, concurrency: 4 } });
    await seedSubscribers(store, 20, { channel: 'other', prefix: 'other-' });
    const a = createBroadcaster({ store, channels: [inA], instanceId: 'a' });
    const b = createBroadcaster({ store, channels: [inB], instanceId: 'b' });
    const first = await a.publish(sampleAnnouncement({ id: 'primo' }), { channels: ['sandbox'] });
    const second = await b.publish(sampleAnnouncement({ id: 'secondo' }), { channels: ['other'] });
    await Promise.all([first.done, second.done]);

    expect(inA.deliveries).toHaveLength(20);
    expect(inB.deliveries).toHaveLength(20);
    await a.close();
    await b.close();
  });
});
