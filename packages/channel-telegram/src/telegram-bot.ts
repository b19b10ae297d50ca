import { parseOrThrow } from '@banditore/core/authoring';
import type { BotAction, TelegramBotEvent, TelegramBotStats, UpdateOutcome } from './bot-events.js';
import {
  handleCallback,
  handleChatMember,
  handleMessage,
  type BotReplies,
  type HandlerContext,
} from './bot-handlers.js';
import { telegramBotOptionsSchema, type TelegramBotOptions } from './bot-options.js';
import { createBotApi, type BotApi } from './bot-api.js';
import { classify, type Classified } from './classify.js';
import { createRecentIds } from './recent-ids.js';
import { updateIdSchema, updateSchema, type TelegramUpdate } from './updates.js';

/** The update types the bot handles; pass them as `allowed_updates`. */
export const BOT_ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

/** The citizen-facing bot. Feed it updates from a webhook or a poller. */
export interface TelegramBot {
  /**
   * Handles one update (parsed JSON, or anything: malformed input is counted, never thrown).
   * Resolves `failed` only when the store failed, so the caller can have Telegram redeliver it.
   */
  handleUpdate(update: unknown): Promise<UpdateOutcome>;
  /** Counters since creation (a snapshot). */
  readonly stats: TelegramBotStats;
  /** The subscribers' channel name. */
  readonly channel: string;
  /** The Bot API client the bot uses (the token stays inside it). */
  readonly api: BotApi;
  /** Registers a webhook URL with Telegram, with the secret Telegram will send back in every request. */
  setWebhook(options: { url: string; secretToken: string; dropPendingUpdates?: boolean }): Promise<Classified>;
  /** Removes the webhook (needed before long polling). */
  deleteWebhook(options?: { dropPendingUpdates?: boolean }): Promise<Classified>;
  /** Closes the client's connections. */
  close(): Promise<void>;
}

/**
 * Creates the bot citizens talk to: `/start [topics]` subscribes (with a consent record),
 * `/stop` unsubscribes at once, `/argomenti` (`/topics`) and `/lingua` (`/language`) show inline
 * keyboards, `/aiuto` (`/help`) and `/privacy` explain. Replies are in Italian or English.
 *
 * Updates are processed once (a bounded memory of recent `update_id`s), one at a time per chat
 * (so two quick taps cannot race), and never throw.
 *
 * @param options - See {@link TelegramBotOptions}.
 * @returns The bot.
 * @throws ConfigError naming invalid options.
 * @example
 * ```ts
 * const bot = createTelegramBot({ token, store, topics: [{ id: 'meteo', label: 'Meteo' }], noticeVersion: '2026-03',
 *   privacyUrl: 'https://www.comune.example.it/privacy', comuneName: 'Comune di Esempio' })
 * const handler = createTelegramWebhookHandler(bot, { secretToken })
 * ```
 */
export function createTelegramBot(options: TelegramBotOptions): TelegramBot {
  const resolved = parseOrThrow('createTelegramBot options', telegramBotOptionsSchema, options);
  const api = createBotApi({
    token: resolved.token,
    baseUrl: resolved.baseUrl,
    dispatcher: resolved.dispatcher,
    timeoutMs: resolved.timeoutMs,
    connections: 8,
  });
  const recent = createRecentIds(resolved.recentUpdates);
  const chains = new Map<number, Promise<unknown>>();
  const stats: TelegramBotStats = {
    received: 0,
    handled: 0,
    ignored: 0,
    duplicate: 0,
    malformed: 0,
    failed: 0,
    replyFailed: 0,
    subscribed: 0,
    unsubscribed: 0,
    topicsChanged: 0,
    languageChanged: 0,
    blocked: 0,
  };
  const emit = (event: TelegramBotEvent): void => {
    try {
      resolved.onEvent?.(event);
    } catch {
      // An observer's bug must not turn into a failed update and a Telegram redelivery.
    }
  };

  const call = async (method: string, params: object): Promise<void> => {
    const outcome = classify(await api.call(method, params));
    // Redrawing a keyboard that is already up to date answers 400 "message is not modified": not a failure.
    if (!outcome.ok && !(outcome.error.providerCode === '400' && method === 'editMessageReplyMarkup')) {
      stats.replyFailed++;
      emit({ type: 'reply-failed', code: outcome.error.code });
    }
  };
  const replies: BotReplies = {
    reply: (chatId, text, keyboard) =>
      call('sendMessage', {
        chat_id: chatId,
        text,
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        ...(keyboard ? { reply_markup: keyboard } : {}),
      }),
    answerCallback: (id, text) =>
      call('answerCallbackQuery', { callback_query_id: id, ...(text === undefined ? {} : { text }) }),
    editKeyboard: (chatId, messageId, keyboard) =>
      call('editMessageReplyMarkup', { chat_id: chatId, message_id: messageId, reply_markup: keyboard }),
  };
  const context: HandlerContext = { options: resolved, ...replies };

  const count = (action: BotAction | undefined): void => {
    if (action === 'subscribed') stats.subscribed++;
    if (action === 'unsubscribed') stats.unsubscribed++;
    if (action === 'topics-changed') stats.topicsChanged++;
    if (action === 'language-changed') stats.languageChanged++;
    if (action === 'blocked') stats.blocked++;
  };
  const finish = (outcome: UpdateOutcome, action?: BotAction): UpdateOutcome => {
    stats[outcome]++;
    count(action);
    emit(action === undefined ? { type: 'update', outcome } : { type: 'update', outcome, action });
    return outcome;
  };

  const dispatch = (update: TelegramUpdate): Promise<BotAction | undefined> => {
    if (update.message) return handleMessage(context, update.message);
    if (update.callback_query) return handleCallback(context, update.callback_query);
    if (update.my_chat_member) return handleChatMember(context, update.my_chat_member);
    return Promise.resolve(undefined);
  };
  const chatOf = (update: TelegramUpdate): number | undefined =>
    update.message?.chat.id ?? update.callback_query?.message?.chat.id ?? update.my_chat_member?.chat.id;

  /** Runs `task` after the previous update of the same chat, so per-chat changes never interleave. */
  const serialised = async <T>(chatId: number | undefined, task: () => Promise<T>): Promise<T> => {
    if (chatId === undefined) return task();
    const previous = chains.get(chatId) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    chains.set(chatId, tail);
    void tail.then(() => {
      if (chains.get(chatId) === tail) chains.delete(chatId);
    });
    return run;
  };

  return {
    async handleUpdate(input) {
      stats.received++;
      const identified = updateIdSchema.safeParse(input);
      if (!identified.success) return finish('malformed');
      const id = identified.data.update_id;
      if (!recent.add(id)) return finish('duplicate');
      const parsed = updateSchema.safeParse(input);
      if (!parsed.success) return finish('malformed');
      try {
        const action = await serialised(chatOf(parsed.data), () => dispatch(parsed.data));
        return action === undefined ? finish('ignored') : finish('handled', action);
      } catch {
        // The store failed: forget the id so Telegram's redelivery is processed.
        recent.delete(id);
        emit({ type: 'store-failed' });
        return finish('failed');
      }
    },
    get stats() {
      return { ...stats };
    },
    channel: resolved.channel,
    api,
    async setWebhook({ url, secretToken, dropPendingUpdates }) {
      return classify(
        await api.call('setWebhook', {
          url,
          secret_token: secretToken,
          allowed_updates: BOT_ALLOWED_UPDATES,
          ...(dropPendingUpdates === undefined ? {} : { drop_pending_updates: dropPendingUpdates }),
        }),
      );
    },
    async deleteWebhook(deleteOptions = {}) {
      return classify(
        await api.call(
          'deleteWebhook',
          deleteOptions.dropPendingUpdates === undefined
            ? {}
            : { drop_pending_updates: deleteOptions.dropPendingUpdates },
        ),
      );
    },
    close: () => api.close(),
  };
}
