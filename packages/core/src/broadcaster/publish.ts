import { announcementSchema, type Announcement, type AnnouncementInput } from '../domain/announcement.js';
import { audienceFor, defaultPriority } from '../domain/audience.js';
import { ConfigError, parseOrThrow } from '../errors.js';
import type { BroadcasterParts } from './broadcaster-parts.js';
import { estimateRun } from './estimate.js';
import { followUpPlanFor } from './follow-up.js';
import type { ClosingState, RunTaking } from './run-taking.js';
import type { Broadcaster, PublishOptions } from './types.js';

/**
 * Creates `publish` and `estimate`. A publish is idempotent per key (by default the
 * announcement's id and revision): the same key returns the same run. The same key with
 * different content is refused with a `ConfigError` rather than silently ignored — the new text
 * would otherwise never go out; a change is a new revision.
 *
 * @param parts - The broadcaster's parts.
 * @param taking - Takes runs to deliver.
 * @param state - Whether the broadcaster is closed.
 */
export function createPublishMethods(
  parts: BroadcasterParts,
  taking: RunTaking,
  state: ClosingState,
): Pick<Broadcaster, 'publish' | 'estimate'> {
  const { context, resolved, executions } = parts;
  const { store, clock, channels, emit, feed } = context;

  const prepare = (input: AnnouncementInput, publishOptions: PublishOptions) => {
    const announcement: Announcement = parseOrThrow('announcement', announcementSchema, input);
    const names = publishOptions.channels ?? [...channels.keys()];
    const unknown = names.filter((name) => !channels.has(name));
    if (unknown.length > 0)
      throw new ConfigError(`Unknown channel(s) in publish options: ${unknown.join(', ')}`, ['channels']);
    const priority = publishOptions.priority ?? defaultPriority(announcement);
    const audiences = names.map((name) => audienceFor(announcement, name, resolved.emergencyReachesAll));
    return { announcement, priority, audiences };
  };

  return {
    async publish(input, publishOptions = {}) {
      if (state.closed) throw new ConfigError('The broadcaster is closed', []);
      const { announcement, priority, audiences } = prepare(input, publishOptions);
      const idempotencyKey = publishOptions.idempotencyKey ?? `${announcement.id}#${announcement.revision}`;
      // Before the first publish shows anything, bring back what the feed showed before a restart.
      await feed.restore();
      const { run, created } = await store.createRun({
        id: `run-${crypto.randomUUID()}`,
        idempotencyKey,
        announcement,
        priority,
        audiences,
        createdAt: clock.now(),
      });
      if (!created && canonical(run.announcement) !== canonical(announcement)) {
        throw new ConfigError(
          'This announcement id and revision (or idempotency key) was already published with different content; publish the change as a new revision',
          ['announcement', 'revision'],
        );
      }
      if (created) {
        emit({
          type: 'run.created',
          at: clock.now(),
          runId: run.id,
          announcementId: announcement.id,
          priority,
          channels: audiences.map((audience) => audience.channel),
        });
      }
      // Also when the run existed: a republish brings a forgotten announcement back to the feed.
      if (run.status === 'active' || run.status === 'completed') await feed.show(run.announcement);
      // A run with this key that is active but not running here was left by a crash.
      return taking.take(run, created, !created && !executions.has(run.id) && !taking.starting.has(run.id));
    },

    async estimate(input, publishOptions = {}) {
      const { announcement, priority, audiences } = prepare(input, publishOptions);
      // A correction or cancel counts who the alert reached, as its planning will.
      const followUp = await followUpPlanFor(store, { id: '', announcement });
      return estimateRun(announcement, priority, audiences, channels, store, clock.now(), followUp);
    },
  };
}

/** A stable text form of a value: object keys sorted, so key order never counts as a change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : inner,
  );
}
