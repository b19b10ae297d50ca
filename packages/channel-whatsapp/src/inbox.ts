import { type DeliveryReceipt } from '@banditore/core';
import { parseOrThrow } from '@banditore/core/authoring';
import type { InboxAction, InboxEvent, InboxStats, NotificationOutcome } from './inbox-events.js';
import { handleInboundMessage, type InboxContext } from './inbox-handlers.js';
import { whatsAppInboxOptionsSchema, type WhatsAppInboxOptions } from './inbox-options.js';
import {
  inboundMessageSchema,
  messagesValueSchema,
  notificationSchema,
  statusSchema,
  templateCategoryValueSchema,
  type WhatsAppInboundMessage,
} from './notification.js';
import { createPreferenceHandler } from './inbox-preferences.js';
import { createRecentIds } from './recent-ids.js';
import type { ReplyResult } from './replies.js';
import { receiptOf } from './statuses.js';

/** The citizen-facing side of the comune's WhatsApp number. Feed it webhook notifications. */
export interface WhatsAppInbox {
  /**
   * Handles one notification (parsed JSON, or anything: malformed input is counted, never thrown).
   * Resolves `failed` only when the store failed, so the webhook can answer 5xx and Meta redeliver.
   */
  handleNotification(notification: unknown): Promise<NotificationOutcome>;
  /** Counters since creation (a snapshot). */
  readonly stats: InboxStats;
  /** The subscribers' channel name. */
  readonly channel: string;
}

const UNDELIVERABLE = 131026;
const MARKETING_STOPPED = 131050;

/**
 * Creates the inbox: inbound messages subscribe (ISCRIVIMI / ATTIVA / START, consent recorded
 * with the notice version), unsubscribe at once (STOP / ANNULLA / CANCELLA, with a confirmation),
 * choose topics and language through interactive lists, and get HELP and PRIVACY texts; each
 * message from a subscriber opens its 24-hour window in the store. Status notifications become
 * monotonic delivery receipts; asynchronous 131026 failures count towards dropping a number that
 * failed on several separate days; template re-categorisations are handed on to the channel; a
 * citizen's "Stop promotions" (`user_preferences`, or an asynchronous 131050) stops MARKETING
 * templates to them, and a resume lets them through again.
 *
 * Messages are processed once (a bounded memory of recent ids), one at a time per citizen, and
 * never throw.
 *
 * @param options - See {@link WhatsAppInboxOptions}.
 * @returns The inbox.
 * @throws ConfigError naming invalid options.
 * @example
 * ```ts
 * const inbox = createWhatsAppInbox({ store, channel: whatsapp,
 *   comuneName: 'Comune di Jesi', privacyUrl: 'https://www.comune.jesi.an.it/privacy', noticeVersion: '2026-03',
 *   topics: [{ id: 'meteo', label: 'Meteo' }] })
 * const webhook = createWhatsAppWebhookHandler(inbox, { appSecret, verifyToken })
 * ```
 */
export function createWhatsAppInbox(options: WhatsAppInboxOptions): WhatsAppInbox {
  const resolved = parseOrThrow('createWhatsAppInbox options', whatsAppInboxOptionsSchema, options);
  const recent = createRecentIds(resolved.recentMessages);
  const chains = new Map<string, Promise<unknown>>();
  const stats: InboxStats = {
    notifications: 0,
    malformed: 0,
    failed: 0,
    messages: 0,
    duplicateMessages: 0,
    skippedItems: 0,
    receiptsApplied: 0,
    receiptsIgnored: 0,
    subscribed: 0,
    unsubscribed: 0,
    topicsChanged: 0,
    languageChanged: 0,
    replyFailed: 0,
    undeliverableDropped: 0,
    marketingStopped: 0,
    marketingResumed: 0,
  };
  const emit = (event: InboxEvent): void => {
    try {
      resolved.onEvent?.(event);
    } catch {
      // An observer's bug must not turn into a failed notification and a redelivery.
    }
  };
  const answered = async (reply: Promise<ReplyResult>): Promise<void> => {
    // Replies resolve by contract; a throwing one is counted like a failed one.
    const result = await reply.catch((): ReplyResult => ({ ok: false, code: 'UNKNOWN' }));
    if (!result.ok) {
      stats.replyFailed++;
      emit({ type: 'reply-failed', code: result.code });
    }
  };
  const context: InboxContext = {
    options: resolved,
    text: (to, body) => answered(resolved.replies.text(to, body)),
    list: (to, list) => answered(resolved.replies.list(to, list)),
  };

  /** Runs `task` after the previous message of the same citizen, so two quick messages never interleave. */
  const serialised = async <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = chains.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    chains.set(key, tail);
    void tail.then(() => {
      if (chains.get(key) === tail) chains.delete(key);
    });
    return run;
  };

  const count = (action: InboxAction): void => {
    if (action === 'subscribed') stats.subscribed++;
    if (action === 'unsubscribed') stats.unsubscribed++;
    if (action === 'topics-changed') stats.topicsChanged++;
    if (action === 'language-changed') stats.languageChanged++;
    emit({ type: 'message', action });
  };

  const handleMessage = async (message: WhatsAppInboundMessage): Promise<void> => {
    if (!recent.add(message.id)) {
      stats.duplicateMessages++;
      return;
    }
    stats.messages++;
    try {
      count(await serialised(message.from, () => handleInboundMessage(context, message)));
    } catch (error) {
      recent.delete(message.id);
      throw error;
    }
  };

  /** Counts a 131026 for the number; marks the subscriber unreachable after enough separate days. */
  const undeliverable = async (address: string, at: number): Promise<void> => {
    const ledger = resolved.undeliverableLedger;
    if (!ledger) return;
    const days = await ledger.record(address, at);
    if (days < resolved.dropUndeliverableAfterDays) return;
    const subscriber = await resolved.store.findSubscriber(resolved.channel, address);
    if (subscriber?.status !== 'active') return;
    await resolved.store.updateSubscriber(subscriber.id, { status: 'unreachable' });
    stats.undeliverableDropped++;
    emit({ type: 'undeliverable-dropped' });
  };

  const preferences = createPreferenceHandler(resolved, stats, emit);

  const handleChange = async (field: string, value: unknown, receipts: DeliveryReceipt[]): Promise<void> => {
    if (field === 'user_preferences') return preferences.handle(value);
    if (field === 'template_category_update') {
      const parsed = templateCategoryValueSchema.safeParse(value);
      if (!parsed.success) return void stats.skippedItems++;
      resolved.categoryChanged({
        name: parsed.data.message_template_name,
        language: parsed.data.message_template_language,
        category: parsed.data.new_category,
      });
      emit({ type: 'template-category', category: parsed.data.new_category });
      return;
    }
    if (field !== 'messages') return;
    const parsed = messagesValueSchema.safeParse(value);
    if (!parsed.success) return void stats.skippedItems++;
    const numberId = parsed.data.metadata?.phone_number_id;
    if (resolved.phoneNumberId !== undefined && numberId !== resolved.phoneNumberId) return;
    for (const item of parsed.data.statuses ?? []) {
      const status = statusSchema.safeParse(item);
      const receipt = status.success ? receiptOf(status.data, resolved.channel) : undefined;
      if (!receipt) {
        stats.skippedItems++;
        continue;
      }
      receipts.push(receipt);
      if (receipt.code === String(UNDELIVERABLE) && status.data?.recipient_id !== undefined) {
        await undeliverable(status.data.recipient_id, receipt.at);
      }
      if (receipt.code === String(MARKETING_STOPPED) && status.data?.recipient_id !== undefined) {
        await preferences.record(status.data.recipient_id, true, receipt.at);
      }
    }
    for (const item of parsed.data.messages ?? []) {
      const message = inboundMessageSchema.safeParse(item);
      if (!message.success) {
        stats.skippedItems++;
        continue;
      }
      await handleMessage(message.data);
    }
  };

  const finish = (outcome: NotificationOutcome): NotificationOutcome => {
    if (outcome === 'malformed') stats.malformed++;
    if (outcome === 'failed') stats.failed++;
    emit({ type: 'notification', outcome });
    return outcome;
  };

  return {
    async handleNotification(input) {
      stats.notifications++;
      const parsed = notificationSchema.safeParse(input);
      if (!parsed.success) return finish('malformed');
      const receipts: DeliveryReceipt[] = [];
      try {
        for (const entry of parsed.data.entry) {
          for (const change of entry.changes) await handleChange(change.field, change.value, receipts);
        }
        if (receipts.length > 0) {
          const written = await resolved.store.recordReceipts(receipts);
          stats.receiptsApplied += written.applied;
          stats.receiptsIgnored += written.ignored;
          emit({ type: 'receipts', applied: written.applied, ignored: written.ignored, skipped: 0 });
        }
      } catch {
        emit({ type: 'store-failed' });
        return finish('failed');
      }
      return finish('handled');
    },
    get stats() {
      return { ...stats };
    },
    channel: resolved.channel,
  };
}
