import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createSandboxChannel } from '../testing/sandbox-channel.js';
import { drive, settle } from '../test-support/drive.js';
import { seedSubscribers } from '../test-support/seed.js';
import { createBroadcaster } from './create-broadcaster.js';

describe('progress of a run behind an emergency', () => {
  it('says waiting behind an emergency, with an ETA that counts the queue ahead', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ clock });
    await seedSubscribers(store, 100, { topics: ['eventi', 'meteo'] });
    const channel = createSandboxChannel({ clock, limits: { ratePerSecond: 10, concurrency: 1 } });
    const broadcaster = createBroadcaster({ store, channels: [channel], clock, progressIntervalMs: 100 });
    const routine = await broadcaster.publish(sampleAnnouncement());
    const emergency = await broadcaster.publish(
      sampleAnnouncement({ id: 'allerta-rossa', severity: 'extreme', topics: ['meteo'] }),
    );
    // Let both plan, and the emergency take the lane.
    for (let step = 0; step < 20; step++) {
      clock.advance(100);
      await settle(2);
    }

    const waiting = routine.progress().channels[0]!;
    expect(waiting).toMatchObject({ state: 'waiting', waitingBehind: 'emergency' });
    const ahead = emergency.progress().channels[0]!;
    expect(ahead.state).toBe('running');
    const routineLeft = waiting.planned - waiting.sent;
    const emergencyLeft = ahead.planned - ahead.sent;
    expect(emergencyLeft).toBeGreaterThan(50);
    // Both queues at the lane's 10 a second, not the routine's own 100 at 10 a second.
    const both = (routineLeft + emergencyLeft) / 10;
    expect(waiting.etaSeconds).toBeGreaterThan(both * 0.9);
    expect(waiting.etaSeconds).toBeLessThan(both * 1.25);

    await drive(clock, emergency.done);
    for (let step = 0; step < 5; step++) {
      clock.advance(100);
      await settle(2);
    }
    expect(routine.progress().channels[0]!.state).toBe('running');
    expect(routine.progress().channels[0]!.waitingBehind).toBeUndefined();
    await drive(clock, routine.done);
    await broadcaster.close();
  });
});
