import type { InboxEvent, InboxStats } from './inbox-events.js';
import type { ResolvedInboxOptions } from './inbox-options.js';
import { userPreferencesValueSchema } from './notification.js';

/** The inbox's handling of a citizen's marketing choices. */
export interface PreferenceHandler {
  /** Handles the `value` of a `user_preferences` change (stops and resumes of marketing messages). */
  handle(value: unknown): Promise<void>;
  /**
   * Records one choice in the marketing preferences; `false` when the inbox has none to record in.
   * A 131050 in a failed status is recorded as a stop.
   */
  record(address: string, stopped: boolean, at: number): Promise<boolean>;
}

/**
 * Turns "Stop promotions" and its resume into the channel's marketing preferences: the channel
 * then sends no MARKETING template to a citizen who stopped, while utility alerts still go out.
 * Notifications for another number of the business account are ignored; unknown categories
 * ("offers and announcements" feedback) and malformed items are counted as skipped.
 *
 * @param options - The inbox's resolved options (preferences, phone number).
 * @param stats - The inbox's counters, updated here.
 * @param emit - Emits data-minimal events (never the number).
 * @returns The handler.
 */
export function createPreferenceHandler(
  options: Pick<ResolvedInboxOptions, 'marketingPreferences' | 'phoneNumberId'>,
  stats: InboxStats,
  emit: (event: InboxEvent) => void,
): PreferenceHandler {
  const record = async (address: string, stopped: boolean, at: number): Promise<boolean> => {
    const preferences = options.marketingPreferences;
    if (!preferences) return false;
    await preferences.record(address, stopped, at);
    if (stopped) stats.marketingStopped++;
    else stats.marketingResumed++;
    emit({ type: 'marketing-preference', stopped });
    return true;
  };
  return {
    record,
    async handle(value) {
      const parsed = userPreferencesValueSchema.safeParse(value);
      if (!parsed.success) return void stats.skippedItems++;
      const numberId = parsed.data.metadata?.phone_number_id;
      if (options.phoneNumberId !== undefined && numberId !== options.phoneNumberId) return;
      for (const item of parsed.data.user_preferences) {
        const choice = item.value.toLowerCase();
        const known = item.category === 'marketing_messages' && (choice === 'stop' || choice === 'resume');
        if (!known || !(await record(item.wa_id, choice === 'stop', Number(item.timestamp) * 1000))) {
          stats.skippedItems++;
        }
      }
    },
  };
}
