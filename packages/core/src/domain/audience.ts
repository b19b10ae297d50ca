import type { Announcement } from './announcement.js';
import type { Subscriber } from './subscriber.js';

/**
 * Which subscribers of one channel an announcement goes to. Stores turn this into an indexed,
 * streamed query; {@link matchesAudience} is the reference meaning every store must agree with.
 */
export interface AudienceQuery {
  channel: string;
  /** Announcement topics. A subscriber with no topics gets everything. Ignored when `allTopics`. */
  topics: readonly string[];
  /** Announcement areas; empty means the whole comune. A subscriber with no areas gets everything. */
  areas: readonly string[];
  /** Send regardless of the subscriber's topics (emergencies, when configured). */
  allTopics: boolean;
  /**
   * A topic the subscriber must hold, whatever else matches: exercises and tests go only to
   * subscribers who opted in with {@link EXERCISE_TOPIC}. A subscriber with no topics (who gets
   * everything) does not hold it. @defaultValue none
   */
  requiredTopic?: string;
}

/**
 * The topic a subscriber holds to receive exercises and tests (`status: 'exercise'` or `'test'`):
 * `esercitazioni`. Nobody else ever receives them, not even subscribers with no topic choice.
 */
export const EXERCISE_TOPIC = 'esercitazioni';

/**
 * The reference audience rule: active, on the channel, topics and areas overlapping (or empty).
 *
 * @param subscriber - The subscriber.
 * @param query - The audience.
 * @returns Whether the subscriber is in the audience.
 */
export function matchesAudience(
  subscriber: Pick<Subscriber, 'channel' | 'status' | 'topics' | 'areas'>,
  query: AudienceQuery,
): boolean {
  if (subscriber.status !== 'active' || subscriber.channel !== query.channel) return false;
  if (query.requiredTopic !== undefined && !subscriber.topics.includes(query.requiredTopic)) return false;
  const topicsOk =
    query.allTopics ||
    subscriber.topics.length === 0 ||
    subscriber.topics.some((topic) => query.topics.includes(topic));
  if (!topicsOk) return false;
  return (
    query.areas.length === 0 ||
    subscriber.areas.length === 0 ||
    subscriber.areas.some((area) => query.areas.includes(area))
  );
}

/** Delivery priority: emergencies overtake everything, bulk goes last. */
export type Priority = 'emergency' | 'normal' | 'bulk';

/** Priority order, lower first. */
export const PRIORITY_RANK: Readonly<Record<Priority, number>> = { emergency: 0, normal: 1, bulk: 2 };

/**
 * The priority an announcement gets when the publisher does not choose one:
 * CAP extreme/severe or a red/orange colour code are emergencies.
 *
 * @param announcement - The announcement.
 */
export function defaultPriority(announcement: Pick<Announcement, 'severity' | 'colorCode'>): Priority {
  return isEmergency(announcement) ? 'emergency' : 'normal';
}

/**
 * Whether an announcement is an emergency: CAP extreme or severe, or a red or orange Protezione
 * Civile colour code. One rule for both the default priority and `emergencyReachesAll`.
 *
 * @param announcement - The announcement.
 */
export function isEmergency(announcement: Pick<Announcement, 'severity' | 'colorCode'>): boolean {
  return (
    announcement.severity === 'extreme' ||
    announcement.severity === 'severe' ||
    announcement.colorCode === 'rossa' ||
    announcement.colorCode === 'arancione'
  );
}

/**
 * Builds the audience of one channel for an announcement. An exercise or test
 * (`status` other than `actual`) goes only to subscribers holding {@link EXERCISE_TOPIC}.
 *
 * @param announcement - The announcement.
 * @param channel - The channel name.
 * @param emergencyReachesAll - Whether emergencies ignore topic choices.
 */
export function audienceFor(announcement: Announcement, channel: string, emergencyReachesAll: boolean): AudienceQuery {
  if (announcement.status !== 'actual') {
    // An exercise reaches only those who asked for exercises, emergency or not.
    return {
      channel,
      topics: [EXERCISE_TOPIC],
      areas: announcement.areas,
      allTopics: false,
      requiredTopic: EXERCISE_TOPIC,
    };
  }
  return {
    channel,
    topics: announcement.topics,
    areas: announcement.areas,
    allTopics: emergencyReachesAll && isEmergency(announcement),
  };
}
