import { keywordFor, type InboxLanguage, type WhatsAppKeywords } from './keywords.js';

/** What the inbox says. WhatsApp text is plain (with `*bold*`), so nothing needs escaping. */
export interface InboxTexts {
  welcome(comune: string, topics: string | undefined, privacyUrl: string): string;
  alreadySubscribed(comune: string, topics: string | undefined): string;
  stopped(comune: string): string;
  notSubscribed: string;
  topicsPrompt: string;
  topicsButton: string;
  allTopics: string;
  allTopicsChosen: string;
  topicOn(label: string, all: string): string;
  topicOff(label: string, all: string): string;
  atLeastOneTopic: string;
  chosen: string;
  notChosen: string;
  languagePrompt: string;
  languageButton: string;
  languageSet: string;
  help(comune: string): string;
  privacy(comune: string, privacyUrl: string, noticeVersion: string): string;
  notUnderstood: string;
}

/**
 * The inbox's texts in a language, naming the configured keywords.
 *
 * @param language - Reply language.
 * @param keywords - The configured keywords (the first of each action is shown).
 * @returns The texts.
 */
export function inboxTexts(language: InboxLanguage, keywords: WhatsAppKeywords): InboxTexts {
  const k = (action: Parameters<typeof keywordFor>[1]): string => `*${keywordFor(keywords, action, language)}*`;
  if (language === 'en') {
    return {
      welcome: (comune, topics, url) =>
        `✅ You are subscribed to the notices of *${comune}*.\n\nYou will receive: ${topics ?? 'all notices'}.\n` +
        `Write ${k('topics')} to choose topics, ${k('language')} for the language, ${k('unsubscribe')} to stop at any time.\n\n` +
        `Privacy notice: ${url}`,
      alreadySubscribed: (comune, topics) =>
        `You are already subscribed to the notices of *${comune}* (${topics ?? 'all notices'}). Write ${k('help')} for the options.`,
      stopped: (comune) =>
        `You will no longer receive notices from ${comune}. Only the record of your consent is kept.\nTo come back, write ${k('subscribe')}.`,
      notSubscribed: `You are not subscribed. Write ${k('subscribe')} to receive the notices.`,
      topicsPrompt: 'Choose a topic to switch it on or off. Emergency alerts may arrive anyway.',
      topicsButton: 'Choose topics',
      allTopics: 'All topics',
      allTopicsChosen: 'You will receive all topics.',
      topicOn: (label, all) => `✅ ${label} switched on. Now: ${all}.`,
      topicOff: (label, all) => `${label} switched off. Now: ${all}.`,
      atLeastOneTopic: `Keep at least one topic, or write ${k('unsubscribe')} to receive nothing.`,
      chosen: 'on',
      notChosen: 'off',
      languagePrompt: 'Choose the language of the notices.',
      languageButton: 'Choose language',
      languageSet: 'Language set: English.',
      help: (comune) =>
        `Notices of ${comune} on WhatsApp.\n\n${k('subscribe')} subscribe\n${k('topics')} choose topics\n` +
        `${k('language')} language\n${k('unsubscribe')} stop receiving notices\n${k('privacy')} how your data is used`,
      privacy: (comune, url, version) =>
        `${comune} keeps only your number, your topics and language, and the record of your consent (notice version ${version}). ` +
        `Messages go through Meta (WhatsApp) as processor. Write ${k('unsubscribe')} to stop at any time.\n\nFull notice: ${url}`,
      notUnderstood: `This number only sends notices. Write ${k('help')} for the options.`,
    };
  }
  return {
    welcome: (comune, topics, url) =>
      `✅ Sei iscritto agli avvisi del *${comune}*.\n\nRiceverai: ${topics ?? 'tutti gli avvisi'}.\n` +
      `Scrivi ${k('topics')} per scegliere gli argomenti, ${k('language')} per la lingua, ${k('unsubscribe')} per smettere in qualsiasi momento.\n\n` +
      `Informativa privacy: ${url}`,
    alreadySubscribed: (comune, topics) =>
      `Sei già iscritto agli avvisi del *${comune}* (${topics ?? 'tutti gli avvisi'}). Scrivi ${k('help')} per le opzioni.`,
    stopped: (comune) =>
      `Non riceverai più avvisi del ${comune}. Resta solo il registro del tuo consenso.\nPer tornare, scrivi ${k('subscribe')}.`,
    notSubscribed: `Non sei iscritto. Scrivi ${k('subscribe')} per ricevere gli avvisi.`,
    topicsPrompt:
      'Scegli un argomento per attivarlo o disattivarlo. Gli avvisi di emergenza possono arrivare comunque.',
    topicsButton: 'Scegli argomenti',
    allTopics: 'Tutti gli argomenti',
    allTopicsChosen: 'Riceverai tutti gli argomenti.',
    topicOn: (label, all) => `✅ ${label} attivato. Ora: ${all}.`,
    topicOff: (label, all) => `${label} disattivato. Ora: ${all}.`,
    atLeastOneTopic: `Tieni almeno un argomento, oppure scrivi ${k('unsubscribe')} per non ricevere nulla.`,
    chosen: 'attivo',
    notChosen: 'non attivo',
    languagePrompt: 'Scegli la lingua degli avvisi.',
    languageButton: 'Scegli lingua',
    languageSet: 'Lingua impostata: italiano.',
    help: (comune) =>
      `Avvisi del ${comune} su WhatsApp.\n\n${k('subscribe')} iscriviti\n${k('topics')} scegli gli argomenti\n` +
      `${k('language')} lingua\n${k('unsubscribe')} non ricevere più avvisi\n${k('privacy')} come usiamo i tuoi dati`,
    privacy: (comune, url, version) =>
      `Il ${comune} conserva solo il tuo numero, gli argomenti e la lingua scelti e il registro del consenso (informativa versione ${version}). ` +
      `I messaggi passano da Meta (WhatsApp) come responsabile del trattamento. Scrivi ${k('unsubscribe')} per smettere in qualsiasi momento.\n\nInformativa completa: ${url}`,
    notUnderstood: `Questo numero invia solo avvisi. Scrivi ${k('help')} per le opzioni.`,
  };
}
