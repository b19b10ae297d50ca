import type { AudienceQuery } from '../domain/audience.js';
import type { PlanProgress } from '../store/run-store.js';
import { sleep } from '../util/clock.js';
import type { FollowUpPlan } from './follow-up.js';
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
 * @param followUp - For a follow-up run: first everyone an earlier run of the thread reached,
 *   then (for an update) the audience minus them. The stored cursor says which phase.
 */
export async function planAudience(
  runId: string,
  source: RunChannel,
  audience: AudienceQuery,
  progress: PlanProgress,
  context: RunContext,
  followUp?: FollowUpPlan,
): Promise<void> {
  const { store, clock } = context;
  let { cursor, done } = progress;
  while (!done && source.state === 'running') {
    try {
      const page =
        followUp === undefined
          ? await audiencePage(context, audience, cursor)
          : await followUpPage(context, runId, audience, followUp, cursor);
      await store.appendDeliveries(runId, audience.channel, page.ids, {
        cursor: page.next,
        done: page.next === undefined,
      });
      cursor = page.next;
      done = page.next === undefined;
      source.onPlanned(page.ids.length, done);
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

/** One planned page: subscriber ids and the cursor after it (`undefined` when planning is done). */
interface PlanPage {
  ids: string[];
  next: string | undefined;
}

async function audiencePage(
  context: RunContext,
  audience: AudienceQuery,
  cursor: string | undefined,
): Promise<PlanPage> {
  const page = await context.store.audiencePage(audience, cursor, context.planPageSize);
  return { ids: page.members.map((member) => member.subscriberId), next: page.next };
}

/** Where a follow-up run's planning stands: the phase and the store's own cursor in it. */
interface FollowUpCursor {
  phase: 'prior' | 'audience';
  cursor?: string;
}

function readCursor(cursor: string | undefined): FollowUpCursor {
  if (cursor === undefined) return { phase: 'prior' };
  // A cursor stored before follow-ups existed is the audience's own.
  if (!cursor.startsWith('{')) return { phase: 'audience', cursor };
  return JSON.parse(cursor) as FollowUpCursor;
}

function writeCursor(state: FollowUpCursor): string {
  return JSON.stringify(state);
}

/**
 * One page of a follow-up run: the recipients of earlier runs of the thread first, then the
 * audience without them (an update's first message to those not reached yet).
 */
async function followUpPage(
  context: RunContext,
  runId: string,
  audience: AudienceQuery,
  followUp: FollowUpPlan,
  cursor: string | undefined,
): Promise<PlanPage> {
  const { store, planPageSize } = context;
  const state = readCursor(cursor);
  if (state.phase === 'prior') {
    const page = await store.priorSends({
      channel: audience.channel,
      announcementIds: followUp.threadIds,
      excludeRunId: runId,
      cursor: state.cursor,
      limit: planPageSize,
    });
    const ids = page.sends.map((send) => send.subscriberId);
    if (page.next !== undefined) return { ids, next: writeCursor({ phase: 'prior', cursor: page.next }) };
    return { ids, next: followUp.reachesAudience ? writeCursor({ phase: 'audience' }) : undefined };
  }
  const page = await audiencePage(context, audience, state.cursor);
  if (page.ids.length > 0) {
    // Those an earlier run reached were planned in the first phase.
    const prior = await store.priorSends({
      channel: audience.channel,
      announcementIds: followUp.threadIds,
      excludeRunId: runId,
      subscriberIds: page.ids,
      limit: page.ids.length,
    });
    const reached = new Set(prior.sends.map((send) => send.subscriberId));
    page.ids = page.ids.filter((id) => !reached.has(id));
  }
  return {
    ids: page.ids,
    next: page.next === undefined ? undefined : writeCursor({ phase: 'audience', cursor: page.next }),
  };
}
