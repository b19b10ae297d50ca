import type { ConsentRecord, Subscriber } from '@banditore/core';
import type { InboxAction } from './inbox-events.js';
import type { ResolvedInboxOptions } from './inbox-options.js';
import { inboxTexts, type InboxTexts } from './inbox-texts.js';
import { matchKeyword, type InboxLanguage, type KeywordAction } from './keywords.js';
import type { WhatsAppInboundMessage } from './notification.js';
import type { InteractiveList } from './replies.js';

/** Prefix of the topics list's row ids (`bnd-topic:meteo`). */
export const TOPIC_ROW_PREFIX = 'bnd-topic:';
/** Row id of "all topics" in the topics list. */
export const ALL_TOPICS_ROW = 'bnd-topics:all';
/** Prefix of the language list's row ids (`bnd-lang:it`). */
export const LANGUAGE_ROW_PREFIX = 'bnd-lang:';

/** What the handlers need: the options and a way to answer (failures are counted, not thrown). */
export interface InboxContext {
  options: ResolvedInboxOptions;
  text(to: string, body: string): Promise<void>;
  list(to: string, list: InteractiveList): Promise<void>;
}

/** What a message asks for. */
type Intent =
  | { kind: 'keyword'; action: KeywordAction; language: InboxLanguage }
  | { kind: 'topic'; id: string }
  | { kind: 'all-topics' }
  | { kind: 'language'; language: InboxLanguage }
  | { kind: 'other' };

function intentOf(message: WhatsAppInboundMessage, options: ResolvedInboxOptions): Intent {
  const choice = message.interactive?.list_reply?.id ?? message.interactive?.button_reply?.id;
  if (choice === ALL_TOPICS_ROW) return { kind: 'all-topics' };
  if (choice?.startsWith(TOPIC_ROW_PREFIX)) return { kind: 'topic', id: choice.slice(TOPIC_ROW_PREFIX.length) };
  if (choice === `${LANGUAGE_ROW_PREFIX}it` || choice === `${LANGUAGE_ROW_PREFIX}en`) {
    return { kind: 'language', language: choice.slice(LANGUAGE_ROW_PREFIX.length) as InboxLanguage };
  }
  // Template quick replies (a re-confirmation's "ISCRIVIMI" / "STOP" buttons) and plain text.
  const text = message.text?.body ?? message.button?.payload ?? message.button?.text ?? choice;
  const matched = text === undefined ? undefined : matchKeyword(text, options.keywords);
  return matched ? { kind: 'keyword', ...matched } : { kind: 'other' };
}

const languageOf = (value: string | undefined): InboxLanguage | undefined =>
  value === 'it' || value === 'en' ? value : undefined;

function labelOf(options: ResolvedInboxOptions, id: string, language: InboxLanguage): string | undefined {
  const topic = options.topics.find((candidate) => candidate.id === id);
  return topic && (topic.label[language] ?? topic.label.it);
}

function summary(
  options: ResolvedInboxOptions,
  topics: readonly string[],
  language: InboxLanguage,
): string | undefined {
  const labels = topics.map((id) => labelOf(options, id, language)).filter((label) => label !== undefined);
  return labels.length === 0 ? undefined : labels.join(', ');
}

/** The topics list: "all topics" first, then each topic marked on or off. */
export function topicsList(
  options: ResolvedInboxOptions,
  topics: readonly string[],
  texts: InboxTexts,
  language: InboxLanguage,
): InteractiveList {
  return {
    body: texts.topicsPrompt,
    button: texts.topicsButton,
    rows: [
      { id: ALL_TOPICS_ROW, title: texts.allTopics },
      ...options.topics.map((topic) => ({
        id: `${TOPIC_ROW_PREFIX}${topic.id}`,
        title: topic.label[language] ?? topic.label.it!,
        description: topics.length === 0 || topics.includes(topic.id) ? texts.chosen : texts.notChosen,
      })),
    ],
  };
}

/**
 * Handles one inbound message: records it (it opens the 24-hour window), then acts on a keyword
 * or a list choice and answers. The citizen's number is used for the store and the reply only.
 *
 * @param context - Options and replies.
 * @param message - The parsed message.
 * @returns What was done.
 */
export async function handleInboundMessage(
  context: InboxContext,
  message: WhatsAppInboundMessage,
): Promise<InboxAction> {
  const { options } = context;
  const { store, channel } = options;
  const to = message.from;
  const at = Number(message.timestamp) * 1_000;
  const record: ConsentRecord = {
    method: 'keyword',
    noticeVersion: options.noticeVersion,
    at: new Date(at).toISOString(),
  };
  const existing = await store.findSubscriber(channel, to);
  if (existing) await store.recordInbound(existing.id, at);
  const intent = intentOf(message, options);
  const language =
    languageOf(existing?.language) ?? (intent.kind === 'keyword' ? intent.language : options.defaultLanguage);
  const texts = inboxTexts(language, options.keywords);
  const active: Subscriber | undefined = existing?.status === 'active' ? existing : undefined;

  if (intent.kind === 'keyword' && intent.action === 'subscribe') {
    if (active) {
      // Writing it again (or tapping a re-confirmation template) confirms consent under today's notice.
      await store.subscribe(
        { channel, address: to, topics: active.topics, areas: active.areas, language: active.language },
        record,
      );
      await context.text(to, texts.alreadySubscribed(options.comuneName, summary(options, active.topics, language)));
      return 'already-subscribed';
    }
    const subscriber = await store.subscribe(
      { channel, address: to, topics: existing?.topics ?? [], areas: existing?.areas ?? [], language },
      record,
    );
    await store.recordInbound(subscriber.id, at);
    await context.text(
      to,
      texts.welcome(options.comuneName, summary(options, subscriber.topics, language), options.privacyUrl),
    );
    if (options.topics.length > 0) await context.list(to, topicsList(options, subscriber.topics, texts, language));
    return 'subscribed';
  }
  if (intent.kind === 'keyword' && intent.action === 'help') {
    await context.text(to, texts.help(options.comuneName));
    return 'help';
  }
  if (intent.kind === 'keyword' && intent.action === 'privacy') {
    await context.text(to, texts.privacy(options.comuneName, options.privacyUrl, options.noticeVersion));
    return 'privacy';
  }
  if (intent.kind === 'other') {
    if (!options.replyToOtherMessages) return 'ignored';
    await context.text(to, active ? texts.notUnderstood : texts.notSubscribed);
    return 'not-understood';
  }
  if (!active) {
    await context.text(to, texts.notSubscribed);
    return 'not-subscribed';
  }
  return handleSubscriberIntent(context, active, intent, texts, language, record);
}

/** Intents that need an active subscriber: stop, topics, language. */
async function handleSubscriberIntent(
  context: InboxContext,
  subscriber: Subscriber,
  intent: Exclude<Intent, { kind: 'other' }>,
  texts: InboxTexts,
  language: InboxLanguage,
  record: ConsentRecord,
): Promise<InboxAction> {
  const { options } = context;
  const { store } = options;
  const to = subscriber.address;
  if (intent.kind === 'keyword') {
    if (intent.action === 'unsubscribe') {
      await store.updateSubscriber(subscriber.id, { status: 'unsubscribed' }, record);
      await context.text(to, texts.stopped(options.comuneName));
      return 'unsubscribed';
    }
    if (intent.action === 'language') {
      await context.list(to, {
        body: texts.languagePrompt,
        button: texts.languageButton,
        rows: [
          { id: `${LANGUAGE_ROW_PREFIX}it`, title: 'Italiano' },
          { id: `${LANGUAGE_ROW_PREFIX}en`, title: 'English' },
        ],
      });
      return 'language-shown';
    }
    // 'topics' (subscribe, help and privacy were handled before).
    await context.list(to, topicsList(options, subscriber.topics, texts, language));
    return 'topics-shown';
  }
  if (intent.kind === 'language') {
    if (intent.language !== subscriber.language)
      await store.updateSubscriber(subscriber.id, { language: intent.language });
    await context.text(to, inboxTexts(intent.language, options.keywords).languageSet);
    return 'language-changed';
  }
  const allIds = options.topics.map((topic) => topic.id);
  let next: string[];
  let answer: string;
  if (intent.kind === 'all-topics') {
    next = [];
    answer = texts.allTopicsChosen;
  } else {
    const label = labelOf(options, intent.id, language);
    if (label === undefined) {
      await context.list(to, topicsList(options, subscriber.topics, texts, language));
      return 'topics-shown';
    }
    // No topics means "everything", so switching one off from "everything" leaves all the others.
    const current = subscriber.topics.length === 0 ? allIds : subscriber.topics.filter((id) => allIds.includes(id));
    const on = !current.includes(intent.id);
    next = on
      ? allIds.filter((id) => id === intent.id || current.includes(id))
      : current.filter((id) => id !== intent.id);
    if (next.length === 0) {
      // Empty would silently mean "everything again": refuse instead.
      await context.text(to, texts.atLeastOneTopic);
      return 'topics-shown';
    }
    const now = summary(options, next, language) ?? texts.allTopics;
    answer = on ? texts.topicOn(label, now) : texts.topicOff(label, now);
  }
  await store.updateSubscriber(subscriber.id, { topics: next }, record);
  await context.text(to, answer);
  return 'topics-changed';
}
