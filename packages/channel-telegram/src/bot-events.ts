import type { ChannelErrorCode } from '@banditore/core';

/** What became of one update. */
export type UpdateOutcome = 'handled' | 'ignored' | 'duplicate' | 'malformed' | 'failed';

/** What a handled update did. */
export type BotAction =
  | 'subscribed'
  | 'unsubscribed'
  | 'topics-shown'
  | 'topics-changed'
  | 'language-shown'
  | 'language-changed'
  | 'help'
  | 'privacy'
  | 'not-subscribed'
  | 'not-understood'
  | 'blocked';

/**
 * Events of the citizen-facing bot: counts and codes only, never a chat id, a name or a text.
 */
export type TelegramBotEvent =
  | { type: 'update'; outcome: UpdateOutcome; action?: BotAction }
  /** A reply or keyboard edit failed; the subscription change itself was made. */
  | { type: 'reply-failed'; code: ChannelErrorCode }
  /** The store threw; the update is answered 500 (webhook) or retried (polling). */
  | { type: 'store-failed' };

/** Counters of the bot since it was created. */
export interface TelegramBotStats {
  received: number;
  handled: number;
  ignored: number;
  duplicate: number;
  malformed: number;
  failed: number;
  replyFailed: number;
  subscribed: number;
  unsubscribed: number;
  topicsChanged: number;
  languageChanged: number;
  blocked: number;
}
