import type { RunRecord, Store } from '../store/run-store.js';
import type { Clock, TimerHandle } from '../util/clock.js';

/** How often a process that delivers runs looks for runs it should take on, in ms. */
export const ADOPT_POLL_MS = 250;

/** A loop that takes on runs nobody delivers while this process delivers some. */
export interface RunAdoption {
  /** Starts the loop if it is not running (this process has just started delivering a run). */
  start(): void;
  /** Stops it for good (the broadcaster closes). */
  stop(): void;
}

/**
 * While this process delivers at least one run, looks every {@link ADOPT_POLL_MS} at the active
 * runs: hands them to `onTurn` first (who paces which sender account, which runs of other
 * processes to help on), then tries to take those that no live process holds (the usual rules
 * apply: a lease of a process that may be alive is never taken). When it stops because nothing
 * is delivered here any more, it calls `onIdle`.
 *
 * @param options - What the loop needs: the store, the clock, which runs are here, how to take one.
 */
export function createRunAdoption(options: {
  store: Store;
  clock: Clock;
  isHere: (runId: string) => boolean;
  delivering: () => boolean;
  take: (record: RunRecord) => Promise<unknown>;
  onTurn: (records: readonly RunRecord[]) => Promise<void>;
  onIdle: () => void;
  onError: (where: string, error: unknown) => void;
}): RunAdoption {
  const { store, clock } = options;
  let running = false;
  let stopped = false;
  let timer: TimerHandle | undefined;

  const turn = async (): Promise<void> => {
    const records = await store.listActiveRuns();
    await options.onTurn(records);
    const now = clock.now();
    for (const record of records) {
      if (stopped || options.isHere(record.id)) continue;
      if (record.lease && record.lease.expiresAt >= now) continue;
      await options.take(record);
    }
  };

  const loop = (): void => {
    if (stopped || !options.delivering()) {
      running = false;
      if (!stopped) options.onIdle();
      return;
    }
    timer = clock.setTimeout(() => {
      timer = undefined;
      turn()
        .catch((error: unknown) => options.onError('adopt', error))
        .finally(loop);
    }, ADOPT_POLL_MS);
  };

  return {
    start() {
      if (running || stopped) return;
      running = true;
      loop();
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
