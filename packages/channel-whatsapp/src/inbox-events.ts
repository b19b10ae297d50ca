import type { ChannelErrorCode } from '@banditore/core';

/** What became of one webhook notification. */
export type NotificationOutcome = 'handled' | 'malformed' | 'failed';

/** What an inbound message did. */
export type InboxAction =
  | 'subscribed'
  | 'already-subscribed'
  | 'unsubscribed'
  | 'topics-shown'
  | 'topics-changed'
  | 'language-shown'
  | 'language-changed'
  | 'help'
  | 'privacy'
  | 'not-subscribed'
  | 'not-understood'
  | 'ignored';

/** Events of the inbox: counts and codes only, never a number, a name or a text. */
export type InboxEvent =
  | { type: 'notification'; outcome: NotificationOutcome }
  | { type: 'message'; action: InboxAction }
  | { type: 'receipts'; applied: number; ignored: number; skipped: number }
  /** A citizen's number failed with 131026 on enough separate days: marked unreachable. */
  | { type: 'undeliverable-dropped' }
  | { type: 'template-category'; category: string }
  /** A citizen stopped (or resumed) marketing messages: no MARKETING template goes to a stopped one. */
  | { type: 'marketing-preference'; stopped: boolean }
  | { type: 'reply-failed'; code: ChannelErrorCode }
  | { type: 'store-failed' };

/** Counters since the inbox was created. */
export interface InboxStats {
  notifications: number;
  malformed: number;
  failed: number;
  messages: number;
  duplicateMessages: number;
  skippedItems: number;
  receiptsApplied: number;
  receiptsIgnored: number;
  subscribed: number;
  unsubscribed: number;
  topicsChanged: number;
  languageChanged: number;
  replyFailed: number;
  undeliverableDropped: number;
  /** `user_preferences` stops and asynchronous 131050s recorded. */
  marketingStopped: number;
  /** `user_preferences` resumes recorded. */
  marketingResumed: number;
}
