import { isExpired, languagesOf, type Announcement } from '../domain/announcement.js';
import type { AudienceQuery, Priority } from '../domain/audience.js';
import type { AnyChannel } from '../channel/channel.js';
import type { RunStore } from '../store/run-store.js';
import type { SubscriberStore } from '../store/subscriber-store.js';
import type { FollowUpPlan } from './follow-up.js';
import { costsOf } from './run-sources.js';
import type { ChannelEstimate, Estimate } from './types.js';

/**
 * Recipients and least time per channel for an announcement, from the store's audience counts
 * and each channel's limits, before anything is sent. A channel with `cost()` renders the
 * announcement to learn it; the costliest language is used, so a mixed audience is not
 * promised faster than it can go.
 *
 * @param announcement - A validated announcement.
 * @param priority - The priority it would get.
 * @param audiences - One audience per channel.
 * @param channels - The configured channels by name.
 * @param store - Where audiences are counted.
 * @param now - Clock time (an expired announcement reaches nobody).
 * @param followUp - For a follow-up: who the thread reached counts (see `countFollowUp`).
 * @returns The estimate.
 */
export async function estimateRun(
  announcement: Announcement,
  priority: Priority,
  audiences: readonly AudienceQuery[],
  channels: ReadonlyMap<string, AnyChannel>,
  store: Pick<SubscriberStore, 'countAudience' | 'audiencePage'> & Pick<RunStore, 'priorSends'>,
  now: number,
  followUp?: FollowUpPlan,
): Promise<Estimate> {
  const expired = isExpired(announcement, now);
  const estimates = await Promise.all(
    audiences.map(async (audience): Promise<ChannelEstimate> => {
      const channel = channels.get(audience.channel)!;
      const recipients = expired
        ? 0
        : followUp === undefined
          ? await store.countAudience(audience)
          : await countFollowUp(store, audience, followUp);
      const rate = channel.limits.ratePerSecond;
      const cost = recipients > 0 ? await costOf(channel, announcement) : 1;
      const estimate: ChannelEstimate = {
        channel: audience.channel,
        recipients,
        ratePerSecond: rate,
        cost,
        seconds: Number.isFinite(rate) ? (recipients * cost) / rate : 0,
      };
      if (recipients > 0 && channel.price) {
        const price = await priceOf(channel, announcement);
        if (price) estimate.expectedCost = { ...price, amount: Math.round(price.amount * recipients * 100) / 100 };
      }
      return estimate;
    }),
  );
  const ahead = new Map<string, number>();
  for (const [index, estimate] of estimates.entries()) {
    estimates[index] = withQuota(estimate, channels.get(estimate.channel)!, now, ahead);
  }
  return {
    priority,
    recipients: estimates.reduce((sum, entry) => sum + entry.recipients, 0),
    seconds: Math.max(0, ...estimates.map((entry) => entry.seconds)),
    channels: estimates,
  };
}

/** The highest rate-limit cost of the announcement's languages on a channel (1 without `cost()`). */
async function costOf(channel: AnyChannel, announcement: Announcement): Promise<number> {
  if (channel.cost === undefined) return 1;
  const rendered = new Map<string, unknown>();
  for (const language of languagesOf(announcement))
    rendered.set(language, await channel.render(announcement, language));
  const costs = costsOf(channel, rendered);
  return costs ? Math.max(...costs.values()) : 1;
}

/**
 * Adds what a rolling quota (a daily messaging limit) holds back, and when the last goes out.
 * Channels sharing a quota (numbers of one portfolio) are counted one after the other: `ahead`
 * holds the requests already estimated per budget key.
 */
function withQuota(
  estimate: ChannelEstimate,
  channel: AnyChannel,
  now: number,
  ahead: Map<string, number>,
): ChannelEstimate {
  let latest: { recipients: number; lastAt: number } | undefined;
  const requests = estimate.recipients * estimate.cost;
  for (const budget of channel.limits.shared ?? []) {
    if (!budget.quota) continue;
    const before = ahead.get(budget.key) ?? 0;
    ahead.set(budget.key, before + requests);
    const forecast = budget.quota.forecast(before + requests, now);
    if (forecast.lastAt === undefined) continue;
    const recipients = Math.ceil(Math.min(forecast.held, requests) / estimate.cost);
    if (!latest || forecast.lastAt > latest.lastAt) latest = { recipients, lastAt: forecast.lastAt };
  }
  if (!latest) return estimate;
  return { ...estimate, held: latest, seconds: Math.max(estimate.seconds, (latest.lastAt - now) / 1000) };
}

/** The dearest per-message price of the announcement's languages, from the channel's price table. */
async function priceOf(
  channel: AnyChannel,
  announcement: Announcement,
): Promise<{ amount: number; currency: string; asOf?: string } | undefined> {
  let dearest: { amount: number; currency: string; asOf?: string } | undefined;
  for (const language of languagesOf(announcement)) {
    const price = channel.price?.(await channel.render(announcement, language));
    if (price && (!dearest || price.amount > dearest.amount)) dearest = price;
  }
  return dearest;
}

/** Page size of the follow-up count. */
const COUNT_PAGE = 1000;

/**
 * Recipients of a follow-up on one channel, as planning would make them: everyone an earlier run
 * of the thread reached, plus (for an update) the audience not among them. Reads ids page by page
 * like planning does, never every recipient at once.
 */
async function countFollowUp(
  store: Pick<SubscriberStore, 'audiencePage'> & Pick<RunStore, 'priorSends'>,
  audience: AudienceQuery,
  followUp: FollowUpPlan,
): Promise<number> {
  const base = { channel: audience.channel, announcementIds: followUp.threadIds, excludeRunId: '' };
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await store.priorSends({ ...base, cursor, limit: COUNT_PAGE });
    count += page.sends.length;
    cursor = page.next;
  } while (cursor !== undefined);
  if (!followUp.reachesAudience) return count;
  do {
    const page = await store.audiencePage(audience, cursor, COUNT_PAGE);
    const ids = page.members.map((member) => member.subscriberId);
    if (ids.length > 0) {
      const reached = await store.priorSends({ ...base, subscriberIds: ids, limit: ids.length });
      count += ids.length - reached.sends.length;
    }
    cursor = page.next;
  } while (cursor !== undefined);
  return count;
}
