import type { DeliveryCounts } from '../store/run-store.js';
import { sleep } from '../util/clock.js';
import type { RunContext } from './run-execution.js';
import type { RunChannel, RunChannelState } from './run-channel.js';

/** Why a run stopped while it waited (see {@link settleLedger}). */
export type SettleHalt = Exclude<RunChannelState, 'running' | 'done'>;

/** Sweeps before a run gives up on the leftovers and leaves them for `resume()`. */
const MAX_SWEEPS = 3;
/** How often claims held elsewhere are looked at while they move, in ms. */
const CLAIM_POLL_MS = 250;

/**
 * Waits for every channel of a run to finish, then checks the ledger before the run may call
 * itself complete. A channel done here has nothing queued, in flight or unwritten, so anything
 * the ledger still holds as claimed was claimed by another process: one helping on a parallel
 * channel (its claims move: it sends and records them), or one that lost the run or died (its
 * claims stand still). Claims that stand still for a lease TTL go back to pending, counted as
 * ambiguous, and the channel delivers again. Pending leftovers reopen the channel too.
 *
 * A channel whose sender account another process paces (see `AccountPacing`) is delivered by
 * that process: the run waits, without a limit, while the ledger holds pending or claimed
 * deliveries on it — a routine run may wait behind that process's emergencies — and delivers
 * them itself if it becomes the pacer meanwhile.
 *
 * @param runId - The run.
 * @param sources - Its channels in this process.
 * @param context - The broadcaster's context.
 * @returns Whether deliveries remain that this process could not settle (the run is then incomplete).
 */
export async function settleLedger(
  runId: string,
  sources: readonly RunChannel[],
  context: RunContext,
  halted: () => SettleHalt | undefined = () => undefined,
): Promise<boolean> {
  const { store, writer } = context;
  for (let sweep = 0; ; sweep++) {
    await Promise.all(sources.map((source) => source.finished));
    const done = sources.filter((source) => source.state === 'done');
    if (done.length === 0) return false;
    await writer.flush();
    // Outcomes not yet stored look like claims: releasing them would send twice.
    if (writer.buffered > 0) return true;
    const counts = await store.deliveryCounts(runId);
    let reopened = false;
    let waited = false;
    let swept = false;
    let leftovers = false;
    for (const source of done) {
      const byStatus = counts.find((entry) => entry.channel === source.channel)?.byStatus;
      const claimed = byStatus?.claimed ?? 0;
      if (claimed + (byStatus?.pending ?? 0) === 0) continue;
      if (!source.permit.here) {
        const outcome = await awaitPacer(runId, source, context, halted);
        if (outcome === 'settled') continue;
        if (outcome !== 'here') {
          source.haltWhileWaiting(outcome);
          continue;
        }
        // This process paces the account now: it delivers the rest itself.
        source.reopen();
        reopened = waited = true;
        continue;
      }
      if (sweep >= MAX_SWEEPS) {
        leftovers = true;
        continue;
      }
      if (claimed > 0 && (await claimsStandStill(runId, source.channel, counts, context)))
        await store.releaseClaims(runId, { channel: source.channel, ambiguous: true });
      source.reopen();
      reopened = swept = true;
    }
    if (!reopened) return leftovers;
    // Waiting for another process is not a sweep of leftovers.
    if (waited && !swept) sweep--;
  }
}

/**
 * Waits while another process paces the channel and the ledger holds deliveries on it.
 *
 * @returns `settled` when none are left, `here` when this process paces the account now, or why
 * the run halted meanwhile.
 */
async function awaitPacer(
  runId: string,
  source: RunChannel,
  context: RunContext,
  halted: () => SettleHalt | undefined,
): Promise<'settled' | 'here' | SettleHalt> {
  const { store, clock } = context;
  for (;;) {
    await sleep(clock, CLAIM_POLL_MS);
    const stop = halted();
    if (stop !== undefined) return stop;
    if (source.permit.here) return 'here';
    const byStatus = (await store.deliveryCounts(runId)).find((entry) => entry.channel === source.channel)?.byStatus;
    if ((byStatus?.claimed ?? 0) + (byStatus?.pending ?? 0) === 0) return 'settled';
  }
}

/**
 * Waits while another process's claims on the channel keep moving (a live helper sending them).
 *
 * @returns `true` when claims are left that have not moved for a lease TTL (their process is
 * gone or lost the run), `false` when none are left or pending work appeared (deliver that first).
 */
async function claimsStandStill(
  runId: string,
  channel: string,
  counts: readonly DeliveryCounts[],
  context: RunContext,
): Promise<boolean> {
  const { store, clock, pacing, leaseTtlMs } = context;
  const shape = (all: readonly DeliveryCounts[]): { claimed: number; pending: number; final: number } => {
    const byStatus = all.find((entry) => entry.channel === channel)?.byStatus;
    const claimed = byStatus?.claimed ?? 0;
    const pending = byStatus?.pending ?? 0;
    const total = byStatus ? Object.values(byStatus).reduce((sum, value) => sum + value, 0) : 0;
    return { claimed, pending, final: total - claimed - pending };
  };
  let last = shape(counts);
  let since = pacing.now();
  for (;;) {
    if (last.claimed === 0 || last.pending > 0) return false;
    if (pacing.now() - since >= leaseTtlMs) return true;
    await sleep(clock, CLAIM_POLL_MS);
    const next = shape(await store.deliveryCounts(runId));
    // Claims recorded (or claimed anew) since the last look: their process is alive.
    if (next.final !== last.final || next.claimed !== last.claimed) since = pacing.now();
    last = next;
  }
}
