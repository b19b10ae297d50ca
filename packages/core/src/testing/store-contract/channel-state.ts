import { describe, expect, it } from 'vitest';
import { consent, input, type StoreHarness } from './harness.js';

const T0 = Date.UTC(2026, 2, 1, 10, 0, 0);

/** Per-subscriber channel state: the last inbound time that opens a customer-service window. */
export function describeChannelStateContract(harness: StoreHarness): void {
  describe('per-subscriber channel state', () => {
    it('finds the state by channel and address, with no inbound time at first', async () => {
      const { store } = harness;
      const subscriber = await store.subscribe(input('393357152219', { channel: 'whatsapp' }), consent());
      expect(await store.channelState('whatsapp', '393357152219')).toEqual({
        subscriberId: subscriber.id,
        channel: 'whatsapp',
        lastInboundAt: undefined,
      });
      expect(await store.channelState('telegram', '393357152219')).toBeUndefined();
      expect(await store.channelState('whatsapp', '390000000000')).toBeUndefined();
    });

    it('only moves the last inbound time forward (late and repeated webhooks)', async () => {
      const { store } = harness;
      const subscriber = await store.subscribe(input('393357152219', { channel: 'whatsapp' }), consent());
      expect(await store.recordInbound(subscriber.id, T0 + 5_000)).toBe(true);
      expect(await store.recordInbound(subscriber.id, T0 + 1_000)).toBe(true);
      expect((await store.channelState('whatsapp', '393357152219'))?.lastInboundAt).toBe(T0 + 5_000);
      await store.recordInbound(subscriber.id, T0 + 86_400_000);
      expect((await store.channelState('whatsapp', '393357152219'))?.lastInboundAt).toBe(T0 + 86_400_000);
    });

    it('keeps each subscriber apart and survives a re-subscription', async () => {
      const { store } = harness;
      const a = await store.subscribe(input('393331111111', { channel: 'whatsapp' }), consent());
      const b = await store.subscribe(input('393332222222', { channel: 'whatsapp' }), consent());
      await store.recordInbound(a.id, T0);
      expect((await store.channelState('whatsapp', '393332222222'))?.lastInboundAt).toBeUndefined();
      await store.updateSubscriber(a.id, { status: 'unsubscribed' }, consent());
      await store.subscribe(input('393331111111', { channel: 'whatsapp' }), consent());
      expect(await store.channelState('whatsapp', '393331111111')).toMatchObject({
        subscriberId: a.id,
        lastInboundAt: T0,
      });
      expect(b.id).not.toBe(a.id);
    });

    it('refuses unknown subscribers and forgets erased ones', async () => {
      const { store } = harness;
      expect(await store.recordInbound('no-such-subscriber-123', T0)).toBe(false);
      const subscriber = await store.subscribe(input('393357152219', { channel: 'whatsapp' }), consent());
      await store.recordInbound(subscriber.id, T0);
      await store.eraseSubscriber(subscriber.id, consent());
      expect(await store.channelState('whatsapp', '393357152219')).toBeUndefined();
      expect(await store.recordInbound(subscriber.id, T0 + 1)).toBe(false);
      // Subscribing the same number again starts with no window.
      await store.subscribe(input('393357152219', { channel: 'whatsapp' }), consent());
      expect((await store.channelState('whatsapp', '393357152219'))?.lastInboundAt).toBeUndefined();
    });
  });
}
