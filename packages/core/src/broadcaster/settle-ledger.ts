import type { RunContext } from './run-execution.js';
import type { RunChannel } from './run-channel.js';

/** Sweeps before a run gives up on the leftovers and leaves them for `resume()`. */
const MAX_SWEEPS = 3;

/**
 * Waits for every channel of a run to finish, then checks the ledger before the run may call
 * itself complete. A channel done here has nothing queued, in flight or unwritten, so anything
 * the ledger still holds as claimed was claimed by another process that lost the run (its lease
 * expired, it carried on for a moment): those go back to pending, counted as ambiguous, and the
 * channel delivers again. Pending leftovers reopen the channel too.
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
    let leftovers = false;
    for (const source of done) {
      const byStatus = counts.find((entry) => entry.channel === source.channel)?.byStatus;
      const claimed = byStatus?.claimed ?? 0;
      if (claimed + (byStatus?.pending ?? 0) === 0) continue;
      if (sweep >= MAX_SWEEPS) {
        leftovers = true;
        continue;
      }
      if (claimed > 0) await store.releaseClaims(runId, { channel: source.channel, ambiguous: true });
      source.reopen();
      reopened = true;
    }
    if (!reopened) return leftovers;
  }
}
