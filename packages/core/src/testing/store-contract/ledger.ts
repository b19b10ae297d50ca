import { describe, expect, it } from 'vitest';
import type { ClaimedDelivery, DeliveryCounts, DeliveryOutcome, DeliveryStatus, Store } from '../../store/run-store.js';
import type { Subscriber } from '../../domain/subscriber.js';
import { consent, newRun, subscribeMany, type StoreHarness } from './harness.js';

const STATUSES: readonly DeliveryStatus[] = ['pending', 'claimed', 'sent', 'failed', 'dropped', 'cancelled', 'expired'];

/** A run with `count` telegram subscribers planned on the telegram channel. */
export async function plannedRun(
  store: Store,
  count: number,
  prefix = 'ledger',
): Promise<{ runId: string; subscribers: Subscriber[] }> {
  const run = newRun();
  await store.createRun(run);
  const subscribers = await subscribeMany(store, count, prefix);
  await store.appendDeliveries(
    run.id,
    'telegram',
    subscribers.map((s) => s.id),
    { cursor: undefined, done: true },
  );
  return { runId: run.id, subscribers };
}

/** The counts of one channel, failing when the store does not report it. */
export async function countsOf(store: Store, runId: string, channel = 'telegram'): Promise<DeliveryCounts> {
  const found = (await store.deliveryCounts(runId)).find((c) => c.channel === channel);
  if (!found) throw new Error(`no counts for channel ${channel}`);
  return found;
}

/** Claims in batches until nothing is pending. */
export async function claimAll(
  store: Store,
  runId: string,
  batch = 7,
  channel = 'telegram',
): Promise<ClaimedDelivery[]> {
  const all: ClaimedDelivery[] = [];
  for (;;) {
    const claimed = await store.claimDeliveries(runId, channel, batch);
    if (claimed.length === 0) return all;
    expect(claimed.length).toBeLessThanOrEqual(batch);
    all.push(...claimed);
    if (all.length > 100_000) throw new Error('claimDeliveries never ran dry');
  }
}

/** An outcome for a claimed delivery. */
export function outcome(
  runId: string,
  delivery: ClaimedDelivery,
  status: DeliveryOutcome['status'],
  code?: string,
): DeliveryOutcome {
  return {
    runId,
    channel: 'telegram',
    deliveryId: delivery.deliveryId,
    status,
    attempts: 1,
    at: 9_000,
    ...(code === undefined ? {} : { code }),
    ...(status === 'sent' ? { providerMessageId: `m-${delivery.deliveryId}` } : {}),
  };
}

/** The delivery ledger: planning, claims, outcomes, releases after a crash and closing. */
export function describeLedgerContract(harness: StoreHarness): void {
  describe('delivery ledger', () => {
    it('appendDeliveries ignores a subscriber already planned for the run and channel', async () => {
      const { store } = harness;
      const run = newRun();
      await store.createRun(run);
      const ids = (await subscribeMany(store, 5)).map((s) => s.id);
      await store.appendDeliveries(run.id, 'telegram', ids.slice(0, 3), { cursor: 'a', done: false });
      // A replay after a crash overlaps with what was already planned.
      await store.appendDeliveries(run.id, 'telegram', [...ids.slice(1), ids[4]!], { cursor: undefined, done: true });
      const counts = await countsOf(store, run.id);
      for (const status of STATUSES) expect(typeof counts.byStatus[status], status).toBe('number');
      expect(counts.byStatus.pending).toBe(5);
      expect(counts.ambiguous).toBe(0);
      const claimed = await claimAll(store, run.id);
      expect(claimed.map((c) => c.subscriberId).sort()).toEqual([...ids].sort());
    });

    it('claimDeliveries hands out each delivery once, joined with address, language and status', async () => {
      const { store } = harness;
      const { runId, subscribers } = await plannedRun(store, 23);
      const claimed = await claimAll(store, runId, 5);
      expect(claimed).toHaveLength(23);
      expect(new Set(claimed.map((c) => c.deliveryId)).size).toBe(23);
      for (const delivery of claimed) {
        const subscriber = subscribers.find((s) => s.id === delivery.subscriberId);
        expect(subscriber).toBeDefined();
        expect(delivery).toMatchObject({
          address: subscriber!.address,
          language: subscriber!.language,
          subscriberStatus: 'active',
          attempts: 0,
        });
      }
      const counts = await countsOf(store, runId);
      expect(counts.byStatus.claimed).toBe(23);
      expect(counts.byStatus.pending).toBe(0);
      expect(await store.claimDeliveries(runId, 'whatsapp', 10)).toEqual([]);
    });

    it('concurrent claims never hand out the same delivery twice', async () => {
      const { store } = harness;
      const { runId } = await plannedRun(store, 40);
      const batches = await Promise.all(Array.from({ length: 8 }, () => store.claimDeliveries(runId, 'telegram', 7)));
      const ids = batches.flat().map((c) => c.deliveryId);
      expect(ids).toHaveLength(40);
      expect(new Set(ids).size).toBe(40);
    });

    it('claims report the current subscriber status, not the one at planning time', async () => {
      const { store } = harness;
      const { runId, subscribers } = await plannedRun(store, 3);
      await store.updateSubscriber(subscribers[0]!.id, { status: 'unsubscribed' }, consent());
      await store.updateSubscriber(subscribers[1]!.id, { status: 'unreachable' });
      const claimed = await claimAll(store, runId);
      const statusOf = (id: string): string | undefined => claimed.find((c) => c.subscriberId === id)?.subscriberStatus;
      expect(statusOf(subscribers[0]!.id)).toBe('unsubscribed');
      expect(statusOf(subscribers[1]!.id)).toBe('unreachable');
      expect(statusOf(subscribers[2]!.id)).toBe('active');
    });

    it('recordOutcomes moves deliveries to final states and counts them by status and code', async () => {
      const { store } = harness;
      const { runId } = await plannedRun(store, 10);
      const claimed = await claimAll(store, runId);
      await store.recordOutcomes([
        ...claimed.slice(0, 6).map((d) => outcome(runId, d, 'sent')),
        outcome(runId, claimed[6]!, 'failed', 'MESSAGE_REJECTED'),
        outcome(runId, claimed[7]!, 'failed', 'MESSAGE_REJECTED'),
      ]);
      await store.recordOutcomes([outcome(runId, claimed[8]!, 'dropped', 'RECIPIENT_GONE')]);
      const counts = await countsOf(store, runId);
      expect(counts.byStatus).toMatchObject({ sent: 6, failed: 2, dropped: 1, claimed: 1, pending: 0 });
      expect(counts.byCode).toEqual({ MESSAGE_REJECTED: 2, RECIPIENT_GONE: 1 });
      // Recording the same outcome again (a retried flush) changes nothing.
      await store.recordOutcomes([outcome(runId, claimed[0]!, 'sent')]);
      expect((await countsOf(store, runId)).byStatus.sent).toBe(6);
      expect(await store.claimDeliveries(runId, 'telegram', 100)).toEqual([]);
    });

    it('releaseClaims without ids returns every claim of the run to pending, counted as ambiguous', async () => {
      const { store } = harness;
      const { runId } = await plannedRun(store, 12);
      const claimed = await claimAll(store, runId);
      await store.recordOutcomes(claimed.slice(0, 4).map((d) => outcome(runId, d, 'sent')));
      expect(await store.releaseClaims(runId, { ambiguous: true })).toBe(8);
      let counts = await countsOf(store, runId);
      expect(counts.byStatus).toMatchObject({ pending: 8, claimed: 0, sent: 4 });
      expect(counts.ambiguous).toBe(8);
      const again = await claimAll(store, runId);
      expect(again.map((d) => d.deliveryId).sort()).toEqual(
        claimed
          .slice(4)
          .map((d) => d.deliveryId)
          .sort(),
      );
      await store.recordOutcomes(again.map((d) => outcome(runId, d, 'sent')));
      counts = await countsOf(store, runId);
      expect(counts.byStatus.sent).toBe(12);
      // Being sent afterwards does not clear the doubt about the first attempt.
      expect(counts.ambiguous).toBe(8);
    });

    it('releaseClaims by ids or by channel moves only those, and counts ambiguity only when asked', async () => {
      const { store } = harness;
      const { runId, subscribers } = await plannedRun(store, 6);
      await store.appendDeliveries(
        runId,
        'whatsapp',
        subscribers.map((s) => s.id),
        { cursor: undefined, done: true },
      );
      const telegram = await claimAll(store, runId);
      const whatsapp = await claimAll(store, runId, 7, 'whatsapp');
      expect(whatsapp).toHaveLength(6);
      const someIds = telegram.slice(0, 2).map((d) => d.deliveryId);
      expect(await store.releaseClaims(runId, { deliveryIds: someIds, ambiguous: false })).toBe(2);
      expect(await countsOf(store, runId)).toMatchObject({ ambiguous: 0, byStatus: { pending: 2, claimed: 4 } });
      expect(await store.releaseClaims(runId, { channel: 'whatsapp', ambiguous: true })).toBe(6);
      expect(await countsOf(store, runId, 'whatsapp')).toMatchObject({ ambiguous: 6, byStatus: { pending: 6 } });
      expect(await countsOf(store, runId)).toMatchObject({ ambiguous: 0, byStatus: { pending: 2, claimed: 4 } });
      expect(await store.releaseClaims(runId, { ambiguous: false })).toBe(4);
      expect((await countsOf(store, runId)).byStatus.pending).toBe(6);
    });

    it('closePending closes pending deliveries only, per channel when asked', async () => {
      const { store } = harness;
      const { runId, subscribers } = await plannedRun(store, 8);
      await store.appendDeliveries(
        runId,
        'whatsapp',
        subscribers.map((s) => s.id),
        { cursor: undefined, done: true },
      );
      const claimed = await store.claimDeliveries(runId, 'telegram', 3);
      expect(claimed).toHaveLength(3);
      expect(await store.closePending(runId, 'cancelled', 'CANCELLED', 10_000, 'telegram')).toBe(5);
      expect(await countsOf(store, runId)).toMatchObject({
        byStatus: { pending: 0, claimed: 3, cancelled: 5 },
        byCode: { CANCELLED: 5 },
      });
      expect((await countsOf(store, runId, 'whatsapp')).byStatus.pending).toBe(8);
      expect(await store.closePending(runId, 'expired', 'EXPIRED', 11_000)).toBe(8);
      expect(await countsOf(store, runId, 'whatsapp')).toMatchObject({
        byStatus: { pending: 0, expired: 8 },
        byCode: { EXPIRED: 8 },
      });
      expect(await store.claimDeliveries(runId, 'whatsapp', 10)).toEqual([]);
    });

    it('keeps the ledgers of different runs apart', async () => {
      const { store } = harness;
      const first = await plannedRun(store, 4, 'first');
      const second = await plannedRun(store, 3, 'second');
      const claimed = await claimAll(store, first.runId);
      expect(claimed).toHaveLength(4);
      expect((await countsOf(store, second.runId)).byStatus.pending).toBe(3);
      expect(await store.releaseClaims(second.runId, { ambiguous: true })).toBe(0);
      expect((await countsOf(store, first.runId)).byStatus.claimed).toBe(4);
    });
  });
}
