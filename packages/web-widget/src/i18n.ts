import type { Level } from './model.js';

/** Languages of the widget's own interface (feed text comes in whatever languages the feed has). */
export type UiLanguage = 'it' | 'en';

// Messages as one string per language, split on "|", in the order of KEYS: every byte counts in
// the script-tag bundle, and the keys are written once instead of once per language. A message
// with plural forms lists them as "one~other", chosen by Intl.PluralRules for the count in {0}.
const KEYS =
  'title titleNoName critical high medium info all-clear exercise test todo where source from until range none loading updated stale error dismiss dismissName more subscribe archive newMany lost'.split(
    ' ',
  );

const it = (
  'Avvisi del Comune di {0}|' +
  'Avvisi del Comune|' +
  'Allerta rossa|' +
  'Allerta arancione|' +
  'Allerta gialla|' +
  'Avviso|' +
  'Allerta cessata|' +
  'Esercitazione|' +
  'Prova|' +
  'Cosa fare|' +
  'Dove: {0}|' +
  'Fonte: {0}|' +
  'In vigore dal {0}|' +
  'Valido fino al {0}|' +
  'Valido dal {0} al {1}|' +
  'Nessun avviso attivo.|' +
  'Caricamento degli avvisi…|' +
  'Aggiornato alle {0}.|' +
  'Connessione assente: ultimo aggiornamento alle {0}. Nuovo tentativo tra {1} s.|' +
  'Impossibile caricare gli avvisi. Nuovo tentativo tra {0} s.|' +
  'Nascondi|' +
  'Nascondi avviso: {0}|' +
  'Mostra un altro avviso~Mostra altri {0} avvisi|' +
  'Ricevi gli avvisi|' +
  'Tutti gli avvisi|' +
  'Un nuovo avviso. {1}~{0} nuovi avvisi. {1}|' +
  'Connessione agli avvisi assente.'
).split('|');

const en = (
  'Alerts from the Comune of {0}|' +
  'Alerts from the Comune|' +
  'Red alert|' +
  'Orange alert|' +
  'Yellow alert|' +
  'Notice|' +
  'Alert over|' +
  'Exercise|' +
  'Test|' +
  'What to do|' +
  'Where: {0}|' +
  'Source: {0}|' +
  'In force from {0}|' +
  'Valid until {0}|' +
  'Valid from {0} to {1}|' +
  'No active alerts.|' +
  'Loading alerts…|' +
  'Updated at {0}.|' +
  'No connection: last updated at {0}. Retrying in {1} s.|' +
  'Alerts could not be loaded. Retrying in {0} s.|' +
  'Hide|' +
  'Hide alert: {0}|' +
  'Show 1 more alert~Show {0} more alerts|' +
  'Get the alerts|' +
  'All alerts|' +
  '1 new alert. {1}~{0} new alerts. {1}|' +
  'Connection to the alerts lost.'
).split('|');

/** A message key. */
export type MessageKey =
  | 'title'
  | 'titleNoName'
  | 'critical'
  | 'high'
  | 'medium'
  | 'info'
  | 'all-clear'
  | 'exercise'
  | 'test'
  | 'todo'
  | 'where'
  | 'source'
  | 'from'
  | 'until'
  | 'range'
  | 'none'
  | 'loading'
  | 'updated'
  | 'stale'
  | 'error'
  | 'dismiss'
  | 'dismissName'
  | 'more'
  | 'subscribe'
  | 'archive'
  | 'newMany'
  | 'lost';

/**
 * Returns the message in `language`, with `{0}`, `{1}` replaced by `args`. A message with plural
 * forms takes the one `Intl.PluralRules` picks for `args[0]`.
 *
 * @param language - UI language.
 * @param key - Message key.
 * @param args - Values for the placeholders.
 */
export function t(language: UiLanguage, key: MessageKey | Level, ...args: (string | number)[]): string {
  return parts(language, key, args).join('');
}

/**
 * Like {@link t}, but the placeholders may be nodes: the message comes back as pieces to append,
 * so a value in another language (the feed's) can be wrapped in its own `lang` element.
 *
 * @returns The message's text pieces with each placeholder's value in place.
 */
export function parts<T>(language: UiLanguage, key: MessageKey | Level, args: T[]): (string | T)[] {
  const forms = (language === 'en' ? en : it)[KEYS.indexOf(key)]!.split('~');
  const form = typeof args[0] === 'number' && new Intl.PluralRules(language).select(args[0]) === 'one' ? 0 : 1;
  // Split on the placeholders: odd pieces are indexes into args. Values never go through
  // String.replace, so `$&` or `$\`` in a comune's name stay as written.
  return (forms[Math.min(form, forms.length - 1)] ?? '')
    .split(/\{(\d)\}/)
    .map((piece, index) => (index % 2 ? (args[Number(piece)] as T) : piece));
}

/** Picks the UI language from a language tag: English for `en*`, Italian otherwise. */
export function uiLanguage(tag: string | null | undefined): UiLanguage {
  return tag?.toLowerCase().startsWith('en') ? 'en' : 'it';
}

/** Keys and both dictionaries, for the completeness test. */
export const DICTIONARIES = { keys: KEYS, it, en };
