import type { UiLanguage } from './i18n.js';

const it = {
  button: 'Ricevi notifiche su questo dispositivo',
  off: 'Disattiva le notifiche su questo dispositivo',
  busy: 'Attivazione delle notifiche in corso…',
  busyOff: 'Disattivazione delle notifiche in corso…',
  subscribed: 'Le notifiche sono attive su questo dispositivo.',
  unsubscribed: 'Le notifiche su questo dispositivo sono disattivate.',
  unsupported: 'Questo browser non può ricevere notifiche dal sito.',
  ios: 'Su iPhone e iPad aggiungi prima questo sito alla schermata Home (Condividi, poi «Aggiungi alla schermata Home») e aprilo da lì.',
  denied: 'Le notifiche per questo sito sono bloccate: puoi riattivarle dalle impostazioni del browser.',
  dismissed: 'Non hai dato il permesso alle notifiche. Puoi riprovare quando vuoi.',
  unreachable: 'Il servizio di notifiche del browser non risponde. Riprova più tardi.',
  failed: 'Non è stato possibile completare l’iscrizione. Riprova più tardi.',
};

const en: typeof it = {
  button: 'Get notifications on this device',
  off: 'Turn off notifications on this device',
  busy: 'Turning on notifications…',
  busyOff: 'Turning off notifications…',
  subscribed: 'Notifications are on for this device.',
  unsubscribed: 'Notifications are off for this device.',
  unsupported: 'This browser cannot receive notifications from the site.',
  ios: 'On iPhone and iPad, first add this site to the Home Screen (Share, then “Add to Home Screen”) and open it from there.',
  denied: 'Notifications for this site are blocked: you can allow them again in the browser settings.',
  dismissed: 'You did not allow notifications. You can try again at any time.',
  unreachable: 'The browser’s notification service is not answering. Try again later.',
  failed: 'The subscription could not be completed. Try again later.',
};

/** Push button message keys (also its states). */
export type PushKey = keyof typeof it;

/** The push button's strings, kept in its own chunk. */
export const ptPush = (language: UiLanguage, key: PushKey): string => (language === 'en' ? en : it)[key];

/** Both dictionaries, for the completeness test. */
export const PUSH_DICTIONARIES = { it, en };
