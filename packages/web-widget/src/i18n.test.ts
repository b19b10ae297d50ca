import { describe, expect, it } from 'vitest';
import { DICTIONARIES, t, uiLanguage } from './i18n.js';
import { PANEL_DICTIONARIES } from './panel-i18n.js';

describe('messages', () => {
  it('has every message in both languages', () => {
    expect(DICTIONARIES.it).toHaveLength(DICTIONARIES.keys.length);
    expect(DICTIONARIES.en).toHaveLength(DICTIONARIES.keys.length);
    expect(Object.keys(PANEL_DICTIONARIES.en)).toEqual(Object.keys(PANEL_DICTIONARIES.it));
  });

  it('fills placeholders and uses the Italian colour labels', () => {
    expect(t('it', 'title', 'Jesi')).toBe('Avvisi del Comune di Jesi');
    expect(t('it', 'critical')).toBe('Allerta rossa');
    expect(t('it', 'all-clear')).toBe('Allerta cessata');
    expect(t('en', 'stale', '14:05', 10)).toBe('No connection: last updated at 14:05. Retrying in 10 s.');
  });

  it('picks English for en-* tags and Italian for anything else', () => {
    expect(uiLanguage('en-GB')).toBe('en');
    expect(uiLanguage('de')).toBe('it');
    expect(uiLanguage(null)).toBe('it');
  });
});
