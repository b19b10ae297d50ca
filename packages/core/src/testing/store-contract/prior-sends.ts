import { describe, expect, it } from 'vitest';
import type { Subscriber } from '../../domain/subscriber.js';
import type { PriorSend, Store } from '../../store/run-store.js';
import { sampleAnnouncement } from '../fixtures.js';
import { claimAll, outcome } from './ledger.js';
import { newRun, subscribeMany, type StoreHarness } from './harness.js';

/** Publishes a run of `announcementId` at `revision` to `subscribers`; the first `sent` of them are sent. */
async function sentRun(
  store: Store,
  announcementId: string,
  revision: number,
  subscribers: readonly Subscriber[],
  sent: number,
): Promise<string> {
  const run = newRun({ announcement: { ...sampleAnnouncement(), id: announcementId, revision } });
  await store.createRun(run);
  await store.appendDeliveries(
    run.id,
    'telegram',
    subscribers.map((s) => s.id),
    { cursor: undefined, done: true },
  );
  const claimed = await claimAll(store, run.id);
  const bySubscriber = new Map(claimed.map((delivery) => [delivery.subscriberId, delivery]));
  const outcomes = subscribers.map((subscriber, index) =>
    outcome(
      run.id,
      bySubscriber.get(subscriber.id)!,
      index < sent ? 'sent' : 'failed',
      index < sent ? undefined : 'MESSAGE_REJECTED',
    ),
  );
  await store.recordOutcomes(outcomes);
  return run.id;
}

async function drainPriorSends(
  store: Store,
  announcementIds: string[],
  excludeRunId: string,
  limit: number,
): Promise<PriorSend[]> {
  const all: PriorSend[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.priorSends({ channel: 'telegram', announcementIds, excludeRunId, cursor, limit });
    expect(page.sends.length).toBeLessThanOrEqual(limit);
    all.push(...page.sends);
    cursor = page.next;
    if (++pages > 10_000) throw new Error('priorSends never returned next: undefined');
  } while (cursor !== undefined);
  return all;
}

/** The ledger's memory of who got an alert, which follow-ups are planned from. */
export function describePriorSendsContract(harness: StoreHarness): void {
  describe('prior sends (follow-ups)', () => {
    it('lists each recipient of a thread once, with the latest run, its revision and message id, in pages', async () => {
      const { store } = harness;
      const subscribers = await subscribeMany(store, 9, 'prior');
      const first = await sentRun(store, 'alert-1', 1, subscribers, 6);
      // Revision 2 reached only the first three; someone else's alert is not the thread.
      const second = await sentRun(store, 'alert-1', 2, subscribers.slice(0, 3), 3);
      await sentRun(store, 'other', 1, subscribers, 9);
      const followUp = newRun({ announcement: { ...sampleAnnouncement(), id: 'alert-1', revision: 3 } });
      await store.createRun(followUp);

      for (const limit of [1, 4, 100]) {
        const sends = await drainPriorSends(store, ['alert-1'], followUp.id, limit);
        expect(sends.map((send) => send.subscriberId)).toEqual(subscribers.slice(0, 6).map((s) => s.id));
        for (const [index, send] of sends.entries()) {
          const latest = index < 3 ? second : first;
          expect(send).toMatchObject({ runId: latest, announcementId: 'alert-1', revision: index < 3 ? 2 : 1 });
          expect(send.providerMessageId).toMatch(/^m-/);
        }
      }
      // The run itself never counts.
      expect(await drainPriorSends(store, ['alert-1'], second, 5)).toHaveLength(6);
      const onlySecond = await drainPriorSends(store, ['alert-1'], first, 5);
      expect(onlySecond.every((send) => send.runId === second)).toBe(true);
      expect(onlySecond).toHaveLength(3);
    });

    it('follows references: an update with its own id finds the recipients of what it references', async () => {
      const { store } = harness;
      const subscribers = await subscribeMany(store, 4, 'ref');
      await sentRun(store, 'quake', 1, subscribers, 4);
      const update = newRun({ announcement: { ...sampleAnnouncement(), id: 'quake-2' } });
      await store.createRun(update);
      const sends = await drainPriorSends(store, ['quake-2', 'quake'], update.id, 10);
      expect(sends).toHaveLength(4);
      expect(await drainPriorSends(store, ['nothing'], update.id, 10)).toEqual([]);
    });

    it('looks up a batch of subscribers by id', async () => {
      const { store } = harness;
      const subscribers = await subscribeMany(store, 6, 'batch');
      await sentRun(store, 'batch-alert', 1, subscribers, 4);
      const followUp = newRun();
      await store.createRun(followUp);
      const wanted = [subscribers[1]!.id, subscribers[3]!.id, subscribers[5]!.id];
      const page = await store.priorSends({
        channel: 'telegram',
        announcementIds: ['batch-alert'],
        excludeRunId: followUp.id,
        subscriberIds: wanted,
        limit: 3,
      });
      // The sixth was never sent to: not a prior recipient.
      expect(page.sends.map((send) => send.subscriberId).sort()).toEqual(
        [subscribers[1]!.id, subscribers[3]!.id].sort(),
      );
      const other = await store.priorSends({
        channel: 'whatsapp',
        announcementIds: ['batch-alert'],
        excludeRunId: followUp.id,
        subscriberIds: wanted,
        limit: 3,
      });
      expect(other.sends).toEqual([]);
    });
  });
}
