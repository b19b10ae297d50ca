import type { RunRecord } from '../store/run-store.js';
import { sleep } from '../util/clock.js';
import { ProgressFeed } from './progress.js';
import { buildReport } from './report.js';
import { cancelStoredRun } from './stored-run.js';
import type { RunContext } from './run-execution.js';
import type { BroadcastRun, RunProgress, RunReport } from './types.js';

/** How often a run delivered elsewhere is checked, in ms. */
const POLL_MS = 1_000;

/**
 * A handle on a run this process does not deliver: finished earlier (same idempotency key) or
 * leased by another process. Progress and the report come from the store's ledger.
 *
 * @param record - The stored run.
 * @param created - Whether this call created it.
 * @param context - The broadcaster's context.
 */
export function watchRun(
  record: RunRecord,
  created: boolean,
  context: RunContext,
  watch: {
    /** Tries to take the run over once its owner's lease has expired; resolves with the new execution. */
    takeOver: () => Promise<BroadcastRun | undefined>;
    /** Stops polling when the broadcaster closes. */
    signal: AbortSignal;
    /** Helps deliver the run on its parallel channels while another process holds it (see `RunAssist`). */
    assist: (current: RunRecord) => Promise<void>;
    /** Stops helping (the run is over, or this handle stops watching). */
    stopAssist: () => Promise<void>;
  },
): BroadcastRun {
  const { store, clock } = context;
  const feed = new ProgressFeed();
  let latest: RunProgress = {
    runId: record.id,
    announcementId: record.announcement.id,
    status: 'active',
    channels: [],
  };

  const read = async (): Promise<{ current: RunRecord; progress: RunProgress }> => {
    const current = (await store.getRun(record.id)) ?? record;
    const counts = await store.deliveryCounts(record.id);
    const progress: RunProgress = {
      runId: record.id,
      announcementId: record.announcement.id,
      status: current.status === 'active' ? 'active' : current.status,
      channels: counts.map((entry) => {
        const { byStatus } = entry;
        const planned = Object.values(byStatus).reduce((sum, value) => sum + value, 0);
        return {
          channel: entry.channel,
          planned,
          planningDone: current.plan[entry.channel]?.done ?? false,
          sent: byStatus.sent,
          failed: byStatus.failed,
          dropped: byStatus.dropped,
          cancelled: byStatus.cancelled + byStatus.expired,
          rate: 0,
          etaSeconds: undefined,
          state: current.status === 'active' ? 'running' : 'done',
        };
      }),
    };
    return { current, progress };
  };

  const done = (async (): Promise<RunReport> => {
    for (;;) {
      const { current, progress } = await read();
      latest = progress;
      const final = current.status !== 'active';
      if (final || watch.signal.aborted) {
        await watch.stopAssist();
        feed.publish(progress, true);
        return buildReport({
          record: current,
          status: current.status === 'active' ? 'incomplete' : current.status,
          counts: await store.deliveryCounts(record.id),
          // Receipts keep arriving after a run ends: a later look shows the latest.
          receipts: await store.receiptCounts(record.id),
          sources: [],
          startedAt: current.createdAt,
          finishedAt: current.finishedAt ?? clock.now(),
        });
      }
      feed.publish(progress);
      // The owner may have died: once its lease expires, this process finishes the run.
      const execution = await watch.takeOver();
      if (execution) {
        for await (const next of execution) {
          latest = next;
          feed.publish(next);
        }
        const report = await execution.done;
        feed.publish(execution.progress(), true);
        return report;
      }
      await watch.assist(current);
      try {
        await sleep(clock, POLL_MS, watch.signal);
      } catch {
        // Closed: the next turn reports what the ledger holds and stops.
      }
    }
  })();

  return {
    id: record.id,
    announcementId: record.announcement.id,
    created,
    done,
    progress: () => latest,
    cancel: async () => {
      // Through the store: the owner notices at its next lease renewal. A finished run keeps its outcome.
      await cancelStoredRun(store, record.id, clock.now(), context.feed);
    },
    [Symbol.asyncIterator]: () => feed.iterate(),
  };
}
