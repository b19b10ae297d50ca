import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { createSandboxChannel } from '../testing/sandbox-channel.js';
import { seedSubscribers } from '../test-support/seed.js';
import { createBroadcaster } from './create-broadcaster.js';

describe('estimate() with a channel price table', () => {
  it('multiplies the dearest language price by the recipients, and shows none without a table', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 1_500);
    const priced = {
      ...createSandboxChannel(),
      price: (rendered: { language: string }) =>
        rendered.language === 'en'
          ? { amount: 0.05, currency: 'EUR', asOf: '2026-12-01' }
          : { amount: 0.03, currency: 'EUR', asOf: '2026-12-01' },
    };
    const broadcaster = createBroadcaster({ store, channels: [priced] });
    const estimate = await broadcaster.estimate(sampleAnnouncement());
    expect(estimate.channels[0]!.expectedCost).toEqual({ amount: 75, currency: 'EUR', asOf: '2026-12-01' });
    await broadcaster.close();

    const plain = createBroadcaster({ store, channels: [createSandboxChannel()] });
    expect((await plain.estimate(sampleAnnouncement())).channels[0]!.expectedCost).toBeUndefined();
    await plain.close();
  });
});
