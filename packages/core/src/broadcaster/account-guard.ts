import type { AnyChannel } from '../channel/channel.js';
import type { RunRecord, Store } from '../store/run-store.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { isParallel } from './parallel-channel.js';

/** How often a process that delivers runs looks for runs it should take on, in ms. */
export const ADOPT_POLL_MS = 250;

/** The run's channels that pace a sender account here (a rate to keep, not `parallel`). */
function pacedChannels(record: RunRecord, channels: ReadonlyMap<string, AnyChannel>): Set<string> {
  const paced = new Set<string>();
  for (const audience of record.audiences) {
    const channel = channels.get(audience.channel);
    if (channel !== undefined && !isParallel(channel)) paced.add(audience.channel);
  }
  return paced;
}

/**
 * Whether another live process delivers a run that paces a sender account this run needs too.
 * Pacing is exact only inside one process, so such a run is left to that process: it takes it on
 * (see {@link createRunAdoption}) and its lane puts it in priority order with what it already
 * sends — an emergency published anywhere overtakes the routine run there.
 *
 * @param record - The run this process would take.
 * @param context - Store, clock, this process's lease token and channels.
 */
export async function pacedElsewhere(
  record: RunRecord,
  context: { store: Store; clock: Clock; leaseOwner: string; channels: ReadonlyMap<string, AnyChannel> },
): Promise<boolean> {
  const mine = pacedChannels(record, context.channels);
  if (mine.size === 0) return false;
  const now = context.clock.now();
  for (const other of await context.store.listActiveRuns()) {
    const lease = other.lease;
    if (other.id === record.id || !lease || lease.owner === context.leaseOwner || lease.expiresAt < now) continue;
    if (other.audiences.some((audience) => mine.has(audience.channel))) return true;
  }
  return false;
}

/** A loop that takes on runs nobody delivers while this process delivers some. */
export interface RunAdoption {
  /** Starts the loop if it is not running (this process has just started delivering a run). */
  start(): void;
  /** Stops it for good (the broadcaster closes). */
  stop(): void;
}

/**
 * While this process delivers at least one run, looks every {@link ADOPT_POLL_MS} for active runs
 * that no live process holds — typically one another process published but left to this one
 * because it paces the same sender account — and tries to take them (the usual rules apply: a
 * lease of a process that may be alive is never taken).
 *
 * @param options - What the loop needs: the store, the clock, which runs are here, how to take one.
 */
export function createRunAdoption(options: {
  store: Store;
  clock: Clock;
  isHere: (runId: string) => boolean;
  delivering: () => boolean;
  take: (record: RunRecord) => Promise<unknown>;
  onError: (where: string, error: unknown) => void;
}): RunAdoption {
  const { store, clock } = options;
  let running = false;
  let stopped = false;
  let timer: TimerHandle | undefined;

  const turn = async (): Promise<void> => {
    const now = clock.now();
    for (const record of await store.listActiveRuns()) {
      if (stopped || options.isHere(record.id)) continue;
      if (record.lease && record.lease.expiresAt >= now) continue;
      await options.take(record);
    }
  };

  const loop = (): void => {
    if (stopped || !options.delivering()) {
      running = false;
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
