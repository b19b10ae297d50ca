import type { Announcement } from '@banditore/core';

const MARKS: Readonly<Record<string, { exercise: string; test: string }>> = {
  it: { exercise: 'ESERCITAZIONE', test: 'PROVA' },
  en: { exercise: 'EXERCISE', test: 'TEST' },
};

/**
 * The mark an exercise or test carries in every WhatsApp message ("[ESERCITAZIONE]", "[PROVA]"),
 * so nobody mistakes it for a real alert; `undefined` for a real one.
 *
 * @param announcement - The announcement.
 * @param language - The language of the message.
 * @returns The bracketed mark, or `undefined`.
 */
export function exerciseMark(announcement: Announcement, language: string): string | undefined {
  if (announcement.status === 'actual') return undefined;
  const marks = MARKS[language.toLowerCase().split(/[-_]/)[0] ?? 'it'] ?? MARKS.it!;
  return `[${marks[announcement.status]}]`;
}
