import type { BotLanguage } from './bot-texts.js';
import { botTexts } from './bot-texts.js';

/** A topic as the bot shows it. */
export interface BotTopic {
  id: string;
  /** Label per language; `it` is always present. */
  label: Record<string, string>;
}

/** An inline keyboard, as the Bot API takes it. */
export interface InlineKeyboard {
  inline_keyboard: Array<Array<{ text: string; callback_data: string }>>;
}

/** Callback data of a topic toggle: `t:<topic id>` (short: Telegram allows 64 bytes of callback data). */
export const TOPIC_PREFIX = 't:';
/** Callback data of the "all topics" button. */
export const ALL_TOPICS = 't:*';
/** Callback data of a language choice: `l:<language>`. */
export const LANGUAGE_PREFIX = 'l:';

/**
 * The label of a topic in a language, falling back to Italian.
 *
 * @param topic - The topic.
 * @param language - The language.
 * @returns The label.
 */
export function topicLabel(topic: BotTopic, language: BotLanguage): string {
  return topic.label[language] ?? topic.label.it!;
}

/**
 * The topics keyboard: one toggle per topic (✅ chosen, ▫️ not), two per row, and a last row
 * for "all topics". No chosen topic means "everything", so then every toggle shows ✅.
 *
 * @param topics - The comune's topics.
 * @param chosen - The subscriber's topics (empty: all).
 * @param language - The subscriber's language.
 * @returns The keyboard.
 */
export function topicsKeyboard(
  topics: readonly BotTopic[],
  chosen: readonly string[],
  language: BotLanguage,
): InlineKeyboard {
  const all = chosen.length === 0;
  const buttons = topics.map((topic) => ({
    text: `${all || chosen.includes(topic.id) ? '✅' : '▫️'} ${topicLabel(topic, language)}`,
    callback_data: `${TOPIC_PREFIX}${topic.id}`,
  }));
  const rows: InlineKeyboard['inline_keyboard'] = [];
  for (let index = 0; index < buttons.length; index += 2) rows.push(buttons.slice(index, index + 2));
  rows.push([{ text: `${all ? '✅' : '▫️'} ${botTexts(language).allTopics}`, callback_data: ALL_TOPICS }]);
  return { inline_keyboard: rows };
}

/**
 * The language keyboard, marking the current language.
 *
 * @param current - The subscriber's language.
 * @returns The keyboard.
 */
export function languageKeyboard(current: BotLanguage): InlineKeyboard {
  const option = (language: BotLanguage, label: string) => ({
    text: `${current === language ? '✅ ' : ''}${label}`,
    callback_data: `${LANGUAGE_PREFIX}${language}`,
  });
  return { inline_keyboard: [[option('it', '🇮🇹 Italiano'), option('en', '🇬🇧 English')]] };
}
