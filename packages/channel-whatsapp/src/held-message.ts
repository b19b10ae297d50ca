import type { ChannelEstimate } from '@banditore/core';

const DAY_MS = 86_400_000;

/** Options of {@link describeHeld}. */
export interface DescribeHeldOptions {
  /** Wall time of the estimate. */
  now: number;
  /** The portfolio's messaging limit, for the sentence. */
  messagingLimit: number;
  /** @defaultValue `"it"` */
  language?: 'it' | 'en';
  /** @defaultValue `"Europe/Rome"` */
  timeZone?: string;
}

/**
 * Says in a sentence what the messaging limit holds back, for an operator about to publish:
 * "11.000 destinatari con il limite di 10.000: gli ultimi 1.000 partono domani dopo le 09:14".
 *
 * @param estimate - One channel of `broadcaster.estimate()`.
 * @param options - Time, limit, language, time zone.
 * @returns The sentence, or `undefined` when nobody is held.
 * @example
 * ```ts
 * const line = describeHeld(estimate.channels[0]!, { now: Date.now(), messagingLimit: 10_000, language: 'en' })
 * // "11,000 recipients at tier 10,000: the last 1,000 go out tomorrow after 09:14"
 * ```
 */
export function describeHeld(estimate: ChannelEstimate, options: DescribeHeldOptions): string | undefined {
  const held = estimate.held;
  if (!held) return undefined;
  const language = options.language ?? 'it';
  const timeZone = options.timeZone ?? 'Europe/Rome';
  const locale = language === 'it' ? 'it-IT' : 'en-GB';
  // 'always': Italian CLDR leaves 4-digit numbers ungrouped, which reads oddly next to "11.000".
  const number = new Intl.NumberFormat(locale, { useGrouping: 'always' });
  const time = new Intl.DateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(held.lastAt);
  const days = dayNumber(held.lastAt, timeZone) - dayNumber(options.now, timeZone);
  const when =
    language === 'it'
      ? days === 0
        ? `oggi dopo le ${time}`
        : days === 1
          ? `domani dopo le ${time}`
          : `tra ${days} giorni dopo le ${time}`
      : days === 0
        ? `today after ${time}`
        : days === 1
          ? `tomorrow after ${time}`
          : `in ${days} days after ${time}`;
  const [recipients, limit, last] = [estimate.recipients, options.messagingLimit, held.recipients].map((value) =>
    number.format(value),
  );
  return language === 'it'
    ? `${recipients} destinatari con il limite di ${limit}: gli ultimi ${last} partono ${when}`
    : `${recipients} recipients at tier ${limit}: the last ${last} go out ${when}`;
}

/** Days since the epoch in a time zone (so "tomorrow" is the comune's tomorrow). */
function dayNumber(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
  return Math.round(Date.parse(`${parts}T00:00:00Z`) / DAY_MS);
}
