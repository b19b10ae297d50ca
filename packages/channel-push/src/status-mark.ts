import type { Announcement } from '@banditore/core';

/** How an exercise or a test is marked at the start of a notification title, per language. */
const MARKS: Record<'exercise' | 'test', Record<string, string>> = {
  exercise: { it: '[ESERCITAZIONE]', en: '[EXERCISE]' },
  test: { it: '[PROVA]', en: '[TEST]' },
};

/**
 * The notification title, marked when the announcement is an exercise or a test, so nobody
 * mistakes a drill for a real alert (the same words as the other channels).
 *
 * @param announcement - The announcement.
 * @param language - The language the title is in.
 * @param headline - The headline in that language.
 */
export function markedTitle(announcement: Announcement, language: string, headline: string): string {
  if (announcement.status === 'actual') return headline;
  const marks = MARKS[announcement.status];
  return `${marks[language.split('-')[0]!] ?? marks.it!} ${headline}`;
}
