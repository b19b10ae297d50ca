import type { AudienceQuery } from '../domain/audience.js';
import type { PlanProgress } from '../store/run-store.js';
import { sleep } from '../util/clock.js';
import type { RunContext } from './run-execution.js';
import type { RunChannel } from './run-channel.js';

/**
 * Streams one channel's audience from the store into the delivery ledger, page by page, while
 * the lane already delivers what is planned. The cursor is stored with each page, so a resumed
 * run continues where planning stopped. A failing store is retried every second; a halted
 * channel stops planning (what is not planned is never sent).
 *
 * @param runId - The run.
 * @param source - The run's channel, told about each page.
 * @param audience - Who the channel's audience is.
 * @param progress - Where planning stands (from the stored run).
 * @param context - The broadcaster's context.
 */
export async function planAudience(
  runId: string,
  source: RunChannel,
  audience: AudienceQuery,
  progress: PlanProgress,
  context: RunContext,
): Promise<void> {
  const { store, clock, planPageSize } = context;
  let { cursor, done } = progress;
  while (!done && source.state === 'running') {
    try {
      const page = await store.audiencePage(audience, cursor, planPageSize);
      const ids = page.members.map((member) => member.subscriberId);
      await store.appendDeliveries(runId, audience.channel, ids, { cursor: page.next, done: page.next === undefined });
      cursor = page.next;
      done = page.next === undefined;
      source.onPlanned(ids.length, done);
    } catch (error) {
      context.onStoreError('planning', error);
      await sleep(clock, 1000);
    }
  }
  if (done) {
    source.onPlanned(0, true);
    context.emit({
      type: 'run.planned',
      at: clock.now(),
      runId,
      channel: audience.channel,
      planned: source.counters.planned,
    });
  }
  source.checkFinished();
}
