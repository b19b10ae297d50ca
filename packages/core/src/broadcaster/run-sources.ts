import { contentFor, languagesOf } from '../domain/announcement.js';
import { PRIORITY_RANK } from '../domain/audience.js';
import type { AnyChannel } from '../channel/channel.js';
import type { DeliveryCounts, RunRecord } from '../store/run-store.js';
import type { RunContext } from './run-execution.js';
import { isParallel } from './parallel-channel.js';
import { changesBetween, markFollowUp, type FollowUpPlan } from './follow-up.js';
import { RunChannel, type RunFollowUp } from './run-channel.js';

/** The channels of a run that can deliver here, and those that cannot with the reason. */
export interface RunSources {
  sources: RunChannel[];
  /** Channel → code for the report: `CHANNEL_NOT_CONFIGURED` or `RENDER_FAILED`. */
  skipped: Map<string, string>;
}

/**
 * Renders a run's announcement once per language and channel and builds the lanes' view of each
 * channel, counters restored from the ledger. A channel whose `render()` (or `cost()`) throws is
 * left out with `RENDER_FAILED` — its deliveries stay pending for `resume()` — instead of failing
 * the whole run; the error's name only is reported, as its message may quote the text.
 *
 * @param record - The run.
 * @param counts - The ledger counts so far (a resumed run).
 * @param context - The broadcaster's context.
 * @param signal - Aborts the run's sends on cancel.
 * @param plan - For a follow-up run: its kind and thread, to render the follow-up form too.
 */
export async function buildSources(
  record: RunRecord,
  counts: readonly DeliveryCounts[],
  context: RunContext,
  signal: AbortSignal,
  plan?: FollowUpPlan,
): Promise<RunSources> {
  const { store, clock, lanes, channels } = context;
  const announcement = record.announcement;
  const expiresAt = announcement.expires === undefined ? Infinity : Date.parse(announcement.expires);
  const sources: RunChannel[] = [];
  const skipped = new Map<string, string>();
  for (const audience of record.audiences) {
    const channel = channels.get(audience.channel);
    const lane = lanes.get(audience.channel);
    if (!channel || !lane) {
      skipped.set(audience.channel, 'CHANNEL_NOT_CONFIGURED');
      continue;
    }
    let rendered: Map<string, unknown>;
    let costs: Map<string, number> | undefined;
    let followUp: RunFollowUp | undefined;
    try {
      rendered = new Map<string, unknown>();
      for (const language of languagesOf(announcement))
        rendered.set(language, await channel.render(announcement, language));
      costs = costsOf(channel, rendered);
      if (plan !== undefined) {
        followUp = {
          kind: plan.kind,
          threadIds: plan.threadIds,
          rendered: await renderFollowUps(channel, announcement, plan),
        };
        costs = maxCosts(costs, costsOf(channel, followUp.rendered));
      }
    } catch (error) {
      skipped.set(audience.channel, 'RENDER_FAILED');
      context.emit({
        type: 'internal.error',
        at: clock.now(),
        where: `${audience.channel}.render`,
        message: error instanceof Error ? error.name : 'Error',
      });
      continue;
    }
    const source = new RunChannel({
      runId: record.id,
      channel: audience.channel,
      priorityRank: PRIORITY_RANK[record.priority],
      createdAt: record.createdAt,
      expiresAt,
      rendered,
      costs,
      fallbackLanguage: contentFor(announcement, announcement.defaultLanguage ?? '').language,
      store,
      claimBatch: claimBatchFor(channel),
      signal,
      clock,
      notify: () => lane.notify(),
      onError: context.onStoreError,
      followUp,
      permit: context.accounts.permit(audience.channel),
    });
    const existing = counts.find((entry) => entry.channel === audience.channel);
    if (existing) {
      const { byStatus } = existing;
      source.counters.planned = Object.values(byStatus).reduce((sum, value) => sum + value, 0);
      source.counters.sent = byStatus.sent;
      source.counters.failed = byStatus.failed;
      source.counters.dropped = byStatus.dropped;
      source.counters.cancelled = byStatus.cancelled + byStatus.expired;
    }
    sources.push(source);
  }
  return { sources, skipped };
}

/**
 * The follow-up form per language: the channel's `renderFollowUp()`, or its `render()` of the
 * announcement with each headline marked "Aggiornamento: " / "Revocata: ".
 */
async function renderFollowUps(
  channel: AnyChannel,
  announcement: RunRecord['announcement'],
  plan: FollowUpPlan,
): Promise<Map<string, unknown>> {
  const rendered = new Map<string, unknown>();
  const changes = plan.kind === 'cancel' ? [] : changesBetween(plan.previous, announcement);
  const marked = channel.renderFollowUp ? announcement : markFollowUp(announcement, plan.kind);
  for (const language of languagesOf(announcement)) {
    rendered.set(
      language,
      channel.renderFollowUp
        ? await channel.renderFollowUp(announcement, language, { kind: plan.kind, previous: plan.previous, changes })
        : await channel.render(marked, language),
    );
  }
  return rendered;
}

/** The higher cost of each language of two cost maps. */
function maxCosts(
  a: Map<string, number> | undefined,
  b: Map<string, number> | undefined,
): Map<string, number> | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const merged = new Map(a);
  for (const [language, cost] of b) merged.set(language, Math.max(cost, merged.get(language) ?? 1));
  return merged;
}

/**
 * A channel's rate-limit cost per language, or `undefined` when every language costs one grant
 * (the lane then skips the lookup). Whole numbers from 1 up to the per-second limit: a cost the
 * gate could never grant in one window would stall the lane.
 */
export function costsOf(channel: AnyChannel, rendered: ReadonlyMap<string, unknown>): Map<string, number> | undefined {
  if (channel.cost === undefined) return undefined;
  const ceiling = Number.isFinite(channel.limits.ratePerSecond)
    ? Math.max(1, Math.floor(channel.limits.ratePerSecond))
    : Infinity;
  const costs = new Map<string, number>();
  let any = false;
  for (const [language, message] of rendered) {
    const raw = channel.cost(message);
    const cost = raw > 1 ? Math.min(ceiling, Math.ceil(raw)) : 1;
    costs.set(language, cost);
    if (cost > 1) any = true;
  }
  return any ? costs : undefined;
}

/**
 * How many deliveries a lane claims per store call: enough to keep the workers busy for about
 * half a second, no more, because claimed-but-unsent deliveries are what a crash makes ambiguous.
 * A parallel channel claims two rounds of its workers at a time, so other processes find work
 * left to share.
 */
function claimBatchFor(channel: AnyChannel): number {
  const { ratePerSecond, concurrency } = channel.limits;
  if (isParallel(channel)) return Math.max(16, Math.min(1000, concurrency * 2));
  const perHalfSecond = Number.isFinite(ratePerSecond) ? Math.ceil(ratePerSecond / 2) : 1000;
  return Math.max(16, Math.min(1000, Math.max(perHalfSecond, concurrency * 2)));
}
