import { isExpired, type Announcement } from '../domain/announcement.js';
import type { RunRecord, RunStore } from '../store/run-store.js';
import type { Clock } from '../util/clock.js';
import type { AnnouncementSink } from './types.js';

/** Keeps the announcement sink (the public feed) in step with the runs in the store. */
export interface FeedSync {
  /** A publish of this announcement returned a run that is active or completed: show it. */
  show(announcement: Announcement): Promise<void>;
  /** A run ended cancelled or expired: take its announcement out, unless a newer revision is live. */
  withdraw(record: RunRecord): Promise<void>;
  /** Shows every announcement the store says is current (after a restart). Runs once. */
  restore(): Promise<void>;
}

/**
 * Creates the sink synchronisation. The sink lives in memory and forgets everything on restart;
 * the store does not, so the current announcements are rebuilt from it: for each announcement id
 * the newest revision's run, shown when it is active or completed and not expired.
 *
 * @param sink - The announcement sink, if any.
 * @param store - Where runs are stored.
 * @param clock - Wall clock (expiry).
 * @param onError - Told when the sink or the store fails (the broadcast goes on).
 */
export function createFeedSync(
  sink: AnnouncementSink | undefined,
  store: Pick<RunStore, 'listRuns'>,
  clock: Clock,
  onError: (where: string, error: unknown) => void,
): FeedSync {
  let restoring: Promise<void> | undefined;

  const guarded = async (where: string, step: () => unknown): Promise<void> => {
    try {
      await step();
    } catch (error) {
      onError(where, error);
    }
  };

  /** The newest run of each announcement id, oldest first. */
  const newestRuns = async (): Promise<RunRecord[]> => {
    const runs = await store.listRuns({ status: ['active', 'completed', 'cancelled', 'expired'] });
    const newest = new Map<string, RunRecord>();
    for (const run of runs) {
      const known = newest.get(run.announcement.id);
      if (!known || run.announcement.revision >= known.announcement.revision) newest.set(run.announcement.id, run);
    }
    return [...newest.values()].sort((a, b) => a.createdAt - b.createdAt);
  };

  return {
    async show(announcement) {
      if (!sink || isExpired(announcement, clock.now())) return;
      await guarded('announcementSink', () => sink.upsert(announcement));
    },
    async withdraw(record) {
      if (!sink) return;
      await guarded('announcementSink', async () => {
        const newest = (await newestRuns()).find((run) => run.announcement.id === record.announcement.id);
        if (newest && newest.announcement.revision > record.announcement.revision) return;
        await sink.remove(record.announcement.id);
      });
    },
    restore() {
      if (!sink) return Promise.resolve();
      restoring ??= guarded('announcementSink', async () => {
        for (const run of await newestRuns()) {
          if (run.status !== 'active' && run.status !== 'completed') continue;
          if (isExpired(run.announcement, clock.now())) continue;
          await sink.upsert(run.announcement);
        }
      });
      return restoring;
    },
  };
}
