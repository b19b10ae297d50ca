import { describe, expect, it } from 'vitest';
import { DICTIONARIES, parts, t, uiLanguage } from './i18n.js';
import { PANEL_DICTIONARIES, pt } from './panel-i18n.js';
import { PUSH_DICTIONARIES } from './push-i18n.js';

describe('messages', () => {
  it('has every message in both languages', () => {
    expect(DICTIONARIES.it).toHaveLength(DICTIONARIES.keys.length);
    expect(DICTIONARIES.en).toHaveLength(DICTIONARIES.keys.length);
    expect(Object.keys(PANEL_DICTIONARIES.en)).toEqual(Object.keys(PANEL_DICTIONARIES.it));
    expect(Object.keys(PUSH_DICTIONARIES.en)).toEqual(Object.keys(PUSH_DICTIONARIES.it));
  });

  it('fills placeholders and uses the Italian colour labels', () => {
    expect(t('it', 'title', 'Jesi')).toBe('Avvisi del Comune di Jesi');
    expect(t('it', 'critical')).toBe('Allerta rossa');
    expect(t('it', 'all-clear')).toBe('Allerta cessata');
    expect(t('en', 'stale', '14:05', 10)).toBe('No connection: last updated at 14:05. Retrying in 10 s.');
  });

  it.each([
    ['it', 1, 'Mostra un altro avviso'],
    ['it', 4, 'Mostra altri 4 avvisi'],
    ['en', 1, 'Show 1 more alert'],
    ['en', 4, 'Show 4 more alerts'],
    ['en', 0, 'Show 0 more alerts'],
  ] as const)('uses the plural rules of %s for %d', (language, count, text) => {
    expect(t(language, 'more', count)).toBe(text);
  });

  it('announces one or several new alerts with the right plural', () => {
    expect(t('en', 'newMany', 2, 'A; B')).toBe('2 new alerts. A; B');
    expect(t('it', 'newMany', 1, 'A')).toBe('Un nuovo avviso. A');
  });

  it.each(['Pay$`X', "Pay$'X", 'Pay$&X', 'Pay$$X', 'Pay$1X'])('keeps $ patterns in values as written: %s', (name) => {
    expect(t('it', 'title', name)).toBe(`Avvisi del Comune di ${name}`);
    expect(pt('it', 'title', name)).toBe(`Ricevi gli avvisi del Comune di ${name}`);
    expect(pt('en', 'whatsappHint', name)).toBe(
      `WhatsApp opens with the message “${name}” already written: send it to subscribe.`,
    );
  });

  it('returns the pieces of a message with nodes in place, for text in another language', () => {
    const node = { lang: 'it' };
    expect(parts('en', 'where', [node])).toEqual(['Where: ', node, '']);
  });

  it('picks English for en-* tags and Italian for anything else', () => {
    expect(uiLanguage('en-GB')).toBe('en');
    expect(uiLanguage('de')).toBe('it');
    expect(uiLanguage(null)).toBe('it');
  });
});
