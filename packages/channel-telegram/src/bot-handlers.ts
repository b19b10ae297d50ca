import type { Subscriber } from '@banditore/core';
import type { BotAction } from './bot-events.js';
import type { ResolvedTelegramBotOptions } from './bot-options.js';
import { botLanguageOf, botTexts, type BotLanguage } from './bot-texts.js';
import { parseCommand, parseStartPayload } from './commands.js';
import {
  ALL_TOPICS,
  LANGUAGE_PREFIX,
  TOPIC_PREFIX,
  languageKeyboard,
  topicLabel,
  topicsKeyboard,
  type InlineKeyboard,
} from './keyboards.js';
import type { TelegramCallbackQuery, TelegramChatMemberUpdate, TelegramIncomingMessage } from './updates.js';

/** What handlers may do besides the store: talk back to the chat. Failures are counted, not thrown. */
export interface BotReplies {
  reply(chatId: number, text: string, keyboard?: InlineKeyboard): Promise<void>;
  answerCallback(callbackQueryId: string, text?: string): Promise<void>;
  editKeyboard(chatId: number, messageId: number, keyboard: InlineKeyboard): Promise<void>;
}

/** Options and reply functions for the handlers. */
export interface HandlerContext extends BotReplies {
  options: ResolvedTelegramBotOptions;
}

const consent = (options: ResolvedTelegramBotOptions) => ({
  method: 'command' as const,
  noticeVersion: options.noticeVersion,
});

function languageOf(
  context: HandlerContext,
  subscriber: Subscriber | undefined,
  code: string | undefined,
): BotLanguage {
  return botLanguageOf(subscriber?.language) ?? botLanguageOf(code) ?? context.options.defaultLanguage;
}

function topicsSummary(context: HandlerContext, topics: readonly string[], language: BotLanguage): string | undefined {
  if (topics.length === 0) return undefined;
  const labels = context.options.topics
    .filter((topic) => topics.includes(topic.id))
    .map((topic) => topicLabel(topic, language));
  return labels.length === 0 ? undefined : labels.join(', ');
}

async function activeSubscriber(context: HandlerContext, chatId: number): Promise<Subscriber | undefined> {
  const subscriber = await context.options.store.findSubscriber(context.options.channel, `${chatId}`);
  return subscriber?.status === 'active' ? subscriber : undefined;
}

/**
 * Handles a message in a private chat: the commands, or a hint for anything else. Messages in
 * groups and channels are ignored (a group member must not subscribe or unsubscribe a group).
 *
 * @param context - Options and replies.
 * @param message - The message.
 * @returns What was done, or `undefined` when the message was ignored.
 */
export async function handleMessage(
  context: HandlerContext,
  message: TelegramIncomingMessage,
): Promise<BotAction | undefined> {
  if (message.chat.type !== 'private' || message.text === undefined) return undefined;
  const { options } = context;
  const chatId = message.chat.id;
  const parsed = parseCommand(message.text);
  const existing = await options.store.findSubscriber(options.channel, `${chatId}`);
  const language = languageOf(context, existing, message.from?.language_code);
  const texts = botTexts(language);
  const active = existing?.status === 'active' ? existing : undefined;

  switch (parsed?.command) {
    case 'start': {
      const wished = parseStartPayload(
        parsed.argument,
        options.topics.map((topic) => topic.id),
      ).topics;
      const topics = wished.length > 0 ? wished : (existing?.topics ?? []);
      const subscriber = await options.store.subscribe(
        { channel: options.channel, address: `${chatId}`, topics, areas: existing?.areas ?? [], language },
        consent(options),
      );
      await context.reply(
        chatId,
        texts.welcome(options.comuneName, topicsSummary(context, subscriber.topics, language), options.privacyUrl),
      );
      return 'subscribed';
    }
    case 'stop':
      if (!active) {
        await context.reply(chatId, texts.notSubscribed);
        return 'not-subscribed';
      }
      await options.store.updateSubscriber(active.id, { status: 'unsubscribed' }, consent(options));
      await context.reply(chatId, texts.stopped(options.comuneName));
      return 'unsubscribed';
    case 'topics':
      if (!active) {
        await context.reply(chatId, texts.notSubscribed);
        return 'not-subscribed';
      }
      await context.reply(chatId, texts.topicsPrompt, topicsKeyboard(options.topics, active.topics, language));
      return 'topics-shown';
    case 'language':
      if (!active) {
        await context.reply(chatId, texts.notSubscribed);
        return 'not-subscribed';
      }
      await context.reply(chatId, texts.languagePrompt, languageKeyboard(language));
      return 'language-shown';
    case 'help':
      await context.reply(chatId, texts.help(options.comuneName));
      return 'help';
    case 'privacy':
      await context.reply(chatId, texts.privacy(options.comuneName, options.privacyUrl, options.noticeVersion));
      return 'privacy';
    default:
      await context.reply(chatId, texts.notUnderstood);
      return 'not-understood';
  }
}

/**
 * Handles a button press on a topics or language keyboard: updates the store, answers the
 * callback (Telegram shows a spinner until then) and redraws the keyboard.
 *
 * @param context - Options and replies.
 * @param query - The callback query.
 * @returns What was done, or `undefined` for data the bot does not know.
 */
export async function handleCallback(
  context: HandlerContext,
  query: TelegramCallbackQuery,
): Promise<BotAction | undefined> {
  const { options } = context;
  const data = query.data ?? '';
  const message = query.message;
  if (
    !message ||
    message.chat.type !== 'private' ||
    !(data.startsWith(TOPIC_PREFIX) || data.startsWith(LANGUAGE_PREFIX))
  ) {
    await context.answerCallback(query.id);
    return undefined;
  }
  const chatId = message.chat.id;
  const subscriber = await activeSubscriber(context, chatId);
  const language = languageOf(context, subscriber, query.from.language_code);
  const texts = botTexts(language);
  if (!subscriber) {
    await context.answerCallback(query.id, texts.notSubscribed);
    return 'not-subscribed';
  }

  if (data.startsWith(LANGUAGE_PREFIX)) {
    const chosen = botLanguageOf(data.slice(LANGUAGE_PREFIX.length));
    if (!chosen) {
      await context.answerCallback(query.id);
      return undefined;
    }
    if (chosen !== subscriber.language) await options.store.updateSubscriber(subscriber.id, { language: chosen });
    await context.answerCallback(query.id, botTexts(chosen).languageSet);
    await context.editKeyboard(chatId, message.message_id, languageKeyboard(chosen));
    return 'language-changed';
  }

  const allIds = options.topics.map((topic) => topic.id);
  let next: string[];
  let notice: string;
  if (data === ALL_TOPICS) {
    next = [];
    notice = texts.allTopicsChosen;
  } else {
    const topic = options.topics.find((candidate) => candidate.id === data.slice(TOPIC_PREFIX.length));
    if (!topic) {
      await context.answerCallback(query.id, texts.unknownTopic);
      return undefined;
    }
    // No topics means "everything", so unticking one from "everything" leaves all the others.
    const current = subscriber.topics.length === 0 ? allIds : subscriber.topics.filter((id) => allIds.includes(id));
    const on = !current.includes(topic.id);
    next = on
      ? allIds.filter((id) => id === topic.id || current.includes(id))
      : current.filter((id) => id !== topic.id);
    if (next.length === 0) {
      // Empty would silently mean "everything again": refuse instead.
      await context.answerCallback(query.id, texts.atLeastOneTopic);
      return 'topics-shown';
    }
    notice = on ? texts.topicOn(topicLabel(topic, language)) : texts.topicOff(topicLabel(topic, language));
  }
  await options.store.updateSubscriber(subscriber.id, { topics: next }, consent(options));
  await context.answerCallback(query.id, notice);
  await context.editKeyboard(chatId, message.message_id, topicsKeyboard(options.topics, next, language));
  return 'topics-changed';
}

/**
 * Handles `my_chat_member`: when a citizen blocks the bot in a private chat, the subscriber is
 * marked unreachable at once instead of waiting for the next broadcast's 403. A later `/start`
 * re-activates it.
 *
 * @param context - Options and replies.
 * @param update - The membership change.
 * @returns `blocked`, or `undefined` when nothing changed.
 */
export async function handleChatMember(
  context: HandlerContext,
  update: TelegramChatMemberUpdate,
): Promise<BotAction | undefined> {
  if (update.chat.type !== 'private' || update.new_chat_member.status !== 'kicked') return undefined;
  const subscriber = await activeSubscriber(context, update.chat.id);
  if (!subscriber) return undefined;
  await context.options.store.updateSubscriber(subscriber.id, { status: 'unreachable' });
  return 'blocked';
}
