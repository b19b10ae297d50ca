import type { UiLanguage } from './i18n.js';

const it = {
  title: 'Ricevi gli avvisi del Comune di {0}',
  titleNoName: 'Ricevi gli avvisi del Comune',
  intro:
    'Scegli gli argomenti e poi il canale. Puoi cancellarti quando vuoi: scrivi /stop al bot Telegram o STOP su WhatsApp.',
  topics: 'Argomenti',
  topicsHint: 'Se non ne scegli nessuno ricevi tutti gli avvisi.',
  bot: 'Iscriviti con il bot Telegram',
  channel: 'Segui il canale Telegram',
  whatsapp: 'Iscriviti su WhatsApp',
  whatsappHint: 'Si apre WhatsApp con il messaggio «{0}» già scritto: invialo per iscriverti.',
  page: 'Tutti i modi per ricevere gli avvisi',
  qr: 'Codice QR: {0}. Inquadralo con il telefono.',
  close: 'Chiudi',
};

const en: typeof it = {
  title: 'Get the alerts from the Comune of {0}',
  titleNoName: 'Get the alerts from the Comune',
  intro:
    'Choose the topics, then the channel. You can stop at any time: send /stop to the Telegram bot or STOP on WhatsApp.',
  topics: 'Topics',
  topicsHint: 'If you choose none you get every alert.',
  bot: 'Subscribe with the Telegram bot',
  channel: 'Follow the Telegram channel',
  whatsapp: 'Subscribe on WhatsApp',
  whatsappHint: 'WhatsApp opens with the message “{0}” already written: send it to subscribe.',
  page: 'All the ways to get the alerts',
  qr: 'QR code: {0}. Scan it with your phone.',
  close: 'Close',
};

/** Panel message keys. */
export type PanelKey = keyof typeof it;

/** The panel's own strings (kept out of the core bundle), with `{0}` replaced by `arg`. */
export function pt(language: UiLanguage, key: PanelKey, arg = ''): string {
  // A replacer function, not a string: `$&` or `$\`` in a comune's name must stay as written.
  return (language === 'en' ? en : it)[key].replace('{0}', () => arg);
}

/** Both dictionaries, for the completeness test. */
export const PANEL_DICTIONARIES = { it, en };
