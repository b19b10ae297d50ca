import { describe, expect, it } from 'vitest';
import { consent, input, type StoreHarness } from './harness.js';
import { claimAll, countsOf, outcome, plannedRun } from './ledger.js';

/** Data-subject operations: export everything held about a subscriber, erase the personal data. */
export function describePrivacyContract(harness: StoreHarness): void {
  describe('data-subject operations', () => {
    it('exportSubscriber returns the subscriber, the consent ledger and delivery counts', async () => {
      const { store } = harness;
      const { runId, subscribers } = await plannedRun(store, 3, 'export');
      const target = subscribers[1]!;
      await store.updateSubscriber(target.id, { topics: ['meteo'] }, consent('2026-03-05T10:00:00.000Z'));
      const claimed = await claimAll(store, runId);
      await store.recordOutcomes(claimed.map((d) => outcome(runId, d, 'sent')));
      const exported = await store.exportSubscriber(target.id);
      expect(exported?.subscriber).toMatchObject({ id: target.id, address: target.address, topics: ['meteo'] });
      expect(exported?.consent.map((event) => event.kind)).toEqual(['subscribed', 'topics-changed']);
      expect(exported?.deliveries).toMatchObject({ sent: 1 });
      expect(await store.exportSubscriber(`${target.id}-missing`)).toBeUndefined();
    });

    it('eraseSubscriber removes the address and choices, keeps an erased event and the counts', async () => {
      const { store } = harness;
      const marker = 'erase-me-7f3a9c';
      const target = await store.subscribe(
        input(marker, { topics: ['meteo'], areas: ['centro'], citizenId: 'citizen-x1' }),
        consent('2026-03-01T10:00:00.000Z'),
      );
      const { runId } = await plannedRun(store, 2, 'other');
      await store.appendDeliveries(runId, 'telegram', [target.id], { cursor: undefined, done: true });
      const claimed = await claimAll(store, runId);
      await store.recordOutcomes(claimed.map((d) => outcome(runId, d, 'sent')));
      const before = await countsOf(store, runId);

      expect(await store.eraseSubscriber(target.id, consent('2026-03-09T10:00:00.000Z', 'operator'))).toBe(true);

      expect(await store.findSubscriber('telegram', marker)).toBeUndefined();
      const after = await store.getSubscriber(target.id);
      if (after) {
        expect(after.address).not.toContain(marker);
        expect(after.topics).toEqual([]);
        expect(after.areas).toEqual([]);
        expect(after.status).not.toBe('active');
        expect(after.citizenId).toBeUndefined();
      }
      const events = await store.listConsent(target.id);
      expect(events.map((event) => event.kind)).toEqual(['subscribed', 'erased']);
      expect(events[1]).toMatchObject({ method: 'operator', subscriberId: target.id });
      const exported = await store.exportSubscriber(target.id);
      const serialised = JSON.stringify(exported ?? null);
      expect(serialised).not.toContain(marker);
      expect(serialised).not.toContain('citizen-x1');
      expect(await countsOf(store, runId)).toEqual(before);
      expect(await store.countAudience({ channel: 'telegram', topics: [], areas: [], allTopics: true })).toBe(2);
    });

    it('a planned delivery to an erased subscriber is claimed with status erased and no address', async () => {
      const { store } = harness;
      const { runId, subscribers } = await plannedRun(store, 2, 'gone');
      await store.eraseSubscriber(subscribers[0]!.id, consent());
      const claimed = await claimAll(store, runId);
      const erased = claimed.find((d) => d.subscriberId === subscribers[0]!.id);
      expect(erased).toMatchObject({ subscriberStatus: 'erased', address: '' });
      expect(claimed.find((d) => d.subscriberId === subscribers[1]!.id)?.subscriberStatus).toBe('active');
    });

    it('erasing an unknown subscriber returns false; the address may subscribe again afterwards', async () => {
      const { store } = harness;
      const target = await store.subscribe(input('comes-back'), consent());
      expect(await store.eraseSubscriber(`${target.id}-missing`, consent())).toBe(false);
      await store.eraseSubscriber(target.id, consent());
      const back = await store.subscribe(input('comes-back', { topics: ['eventi'] }), consent());
      expect(back).toMatchObject({ address: 'comes-back', status: 'active', topics: ['eventi'] });
      expect((await store.findSubscriber('telegram', 'comes-back'))?.id).toBe(back.id);
    });
  });
}
