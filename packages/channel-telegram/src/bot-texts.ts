import { escapeHtml } from './html.js';

/** Languages the bot replies in. */
export const BOT_LANGUAGES = ['it', 'en'] as const;
/** A language the bot replies in. */
export type BotLanguage = (typeof BOT_LANGUAGES)[number];

/** What the bot says. Every argument is escaped here, so callers pass plain text. */
export interface BotTexts {
  welcome(comune: string, topics: string | undefined, privacyUrl: string): string;
  stopped(comune: string): string;
  notSubscribed: string;
  topicsPrompt: string;
  allTopics: string;
  topicOn(label: string): string;
  topicOff(label: string): string;
  allTopicsChosen: string;
  atLeastOneTopic: string;
  unknownTopic: string;
  languagePrompt: string;
  languageSet: string;
  help(comune: string): string;
  privacy(comune: string, privacyUrl: string, noticeVersion: string): string;
  notUnderstood: string;
}

const link = (url: string, label: string): string =>
  `<a href="${escapeHtml(url).replace(/"/g, '&quot;')}">${escapeHtml(label)}</a>`;

const ITALIAN: BotTexts = {
  welcome: (comune, topics, privacyUrl) =>
    `✅ Sei iscritto agli avvisi del <b>${escapeHtml(comune)}</b>.\n\n` +
    `Riceverai: ${topics === undefined ? 'tutti gli avvisi' : escapeHtml(topics)}.\n` +
    'Usa /argomenti per scegliere cosa ricevere, /lingua per la lingua, /stop per non ricevere più nulla.\n\n' +
    `${link(privacyUrl, 'Informativa privacy')}`,
  stopped: (comune) =>
    `Non riceverai più avvisi del ${escapeHtml(comune)}. I tuoi dati di iscrizione restano solo come registro del consenso.\nPer tornare, scrivi /start.`,
  notSubscribed: 'Non sei iscritto. Scrivi /start per ricevere gli avvisi.',
  topicsPrompt: 'Scegli gli argomenti che vuoi ricevere. Gli avvisi di emergenza possono arrivare comunque.',
  allTopics: 'Tutti gli argomenti',
  topicOn: (label) => `Riceverai: ${label}`,
  topicOff: (label) => `Non riceverai più: ${label}`,
  allTopicsChosen: 'Riceverai tutti gli argomenti',
  atLeastOneTopic: 'Tieni almeno un argomento, oppure usa /stop',
  unknownTopic: 'Argomento non più disponibile',
  languagePrompt: 'In che lingua vuoi ricevere gli avvisi?',
  languageSet: 'Lingua impostata: italiano',
  help: (comune) =>
    `Questo è il servizio di avvisi del ${escapeHtml(comune)}.\n\n` +
    '/start – iscriviti\n/argomenti – scegli gli argomenti\n/lingua – cambia lingua\n/privacy – come trattiamo i tuoi dati\n/stop – non ricevere più avvisi',
  privacy: (comune, privacyUrl, noticeVersion) =>
    `Il ${escapeHtml(comune)} conserva solo l'identificativo di questa chat, gli argomenti e la lingua scelti e la storia delle tue iscrizioni (versione dell'informativa: ${escapeHtml(noticeVersion)}). ` +
    `Nessun altro iscritto vede il tuo contatto.\n\n${link(privacyUrl, 'Leggi l’informativa completa')}`,
  notUnderstood: 'Non ho capito. Scrivi /aiuto per l’elenco dei comandi.',
};

const ENGLISH: BotTexts = {
  welcome: (comune, topics, privacyUrl) =>
    `✅ You are subscribed to the notices of <b>${escapeHtml(comune)}</b>.\n\n` +
    `You will receive: ${topics === undefined ? 'all notices' : escapeHtml(topics)}.\n` +
    'Use /topics to choose what you receive, /language for the language, /stop to receive nothing more.\n\n' +
    `${link(privacyUrl, 'Privacy notice')}`,
  stopped: (comune) =>
    `You will no longer receive notices from ${escapeHtml(comune)}. Only the record of your consent is kept.\nTo come back, send /start.`,
  notSubscribed: 'You are not subscribed. Send /start to receive notices.',
  topicsPrompt: 'Choose the topics you want to receive. Emergency alerts may reach you anyway.',
  allTopics: 'All topics',
  topicOn: (label) => `You will receive: ${label}`,
  topicOff: (label) => `You will no longer receive: ${label}`,
  allTopicsChosen: 'You will receive all topics',
  atLeastOneTopic: 'Keep at least one topic, or use /stop',
  unknownTopic: 'This topic is no longer available',
  languagePrompt: 'Which language do you want notices in?',
  languageSet: 'Language set: English',
  help: (comune) =>
    `This is the notice service of ${escapeHtml(comune)}.\n\n` +
    '/start – subscribe\n/topics – choose topics\n/language – change language\n/privacy – how your data is handled\n/stop – receive no more notices',
  privacy: (comune, privacyUrl, noticeVersion) =>
    `${escapeHtml(comune)} keeps only this chat's identifier, the topics and language you chose and the history of your subscriptions (privacy notice version: ${escapeHtml(noticeVersion)}). ` +
    `No other subscriber sees your contact.\n\n${link(privacyUrl, 'Read the full notice')}`,
  notUnderstood: 'Sorry, I did not understand. Send /help for the list of commands.',
};

/**
 * The bot's texts in a language.
 *
 * @param language - `it` or `en`.
 * @returns The texts.
 */
export function botTexts(language: BotLanguage): BotTexts {
  return language === 'en' ? ENGLISH : ITALIAN;
}

/**
 * Maps a Telegram `language_code` (or a stored language) to a bot language.
 *
 * @param code - e.g. `"en-GB"`, `"it"`, or `undefined`.
 * @returns The bot language, or `undefined` when not supported.
 */
export function botLanguageOf(code: string | undefined): BotLanguage | undefined {
  const base = code?.toLowerCase().split('-')[0];
  return BOT_LANGUAGES.find((language) => language === base);
}
