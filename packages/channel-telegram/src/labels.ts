import type { ColorCode } from '@banditore/core';

/** Fixed words the renderer adds around an announcement's own text. */
export interface RenderLabels {
  whatToDo: string;
  area: string;
  validUntil: string;
  exercise: string;
  test: string;
  update: string;
  cancel: string;
  colors: Record<ColorCode, string>;
  /** Locale for dates. */
  locale: string;
}

const ITALIAN: RenderLabels = {
  whatToDo: 'Cosa fare',
  area: 'Zona',
  validUntil: 'Valido fino a',
  exercise: 'ESERCITAZIONE',
  test: 'PROVA',
  update: 'AGGIORNAMENTO',
  cancel: 'ANNULLATO',
  colors: { verde: 'Allerta verde', gialla: 'Allerta gialla', arancione: 'Allerta arancione', rossa: 'Allerta rossa' },
  locale: 'it-IT',
};

const ENGLISH: RenderLabels = {
  whatToDo: 'What to do',
  area: 'Area',
  validUntil: 'Valid until',
  exercise: 'EXERCISE',
  test: 'TEST',
  update: 'UPDATE',
  cancel: 'CANCELLED',
  colors: { verde: 'Green alert', gialla: 'Yellow alert', arancione: 'Orange alert', rossa: 'Red alert' },
  locale: 'en-GB',
};

/** The colour squares Italian alert bulletins use, so the level is visible before reading. */
export const COLOR_EMOJI: Record<ColorCode, string> = { verde: '🟢', gialla: '🟡', arancione: '🟠', rossa: '🔴' };

/**
 * Labels for a language: Italian for `it`, English for everything else (the comune writes the
 * text itself in each language; only these few words come from the library).
 *
 * @param language - The language the content is in.
 * @returns The labels.
 */
export function labelsFor(language: string): RenderLabels {
  return language === 'it' || language.startsWith('it-') ? ITALIAN : ENGLISH;
}
