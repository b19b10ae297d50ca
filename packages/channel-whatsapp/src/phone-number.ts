import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** Why a number cannot be a WhatsApp address. Never carries the number itself. */
export type NumberRejection = 'EMPTY' | 'NOT_A_NUMBER' | 'INVALID_NUMBER' | 'NOT_PERSONAL';

/** A number in the forms the project needs. */
export interface NormalisedNumber {
  /** `+393357152219`: for people and exports. */
  e164: string;
  /** `393357152219`: the WhatsApp address (Meta's `wa_id` spelling), what the store keeps. */
  address: string;
}

/** Numbers no citizen reads WhatsApp on: service and premium lines. */
const NOT_PERSONAL: ReadonlySet<string> = new Set([
  'TOLL_FREE',
  'PREMIUM_RATE',
  'SHARED_COST',
  'UAN',
  'VOICEMAIL',
  'PAGER',
]);

/**
 * Normalises a phone number as people type it (`335 7152219`, `+39 335-715 2219`,
 * `0039 3357152219`, `393357152219`) to E.164 with libphonenumber-js's full metadata, so it is
 * validated against the real numbering plan of the country, not a regular expression.
 *
 * @param raw - The number as written (personal data: never logged).
 * @param defaultRegion - The country of numbers written without a prefix. @defaultValue `"IT"`
 * @returns The number, or the reason it was refused.
 * @example
 * ```ts
 * normaliseWhatsAppNumber('335 7152219') // { ok: true, e164: '+393357152219', address: '393357152219' }
 * ```
 */
export function normaliseWhatsAppNumber(
  raw: string,
  defaultRegion: CountryCode = 'IT',
): ({ ok: true } & NormalisedNumber) | { ok: false; reason: NumberRejection } {
  const trimmed = raw.trim();
  if (trimmed === '') return { ok: false, reason: 'EMPTY' };
  if (!/^[+(]?[\d\s().\-/]{6,30}$/.test(trimmed)) return { ok: false, reason: 'NOT_A_NUMBER' };
  let parsed = parsePhoneNumberFromString(trimmed, defaultRegion);
  const digits = trimmed.replace(/\D/g, '');
  // Spreadsheets drop the "+": "393357152219" is Italian with its country code, not a national number.
  if ((!parsed || !parsed.isValid()) && !trimmed.startsWith('+') && !digits.startsWith('0') && digits.length >= 11) {
    parsed = parsePhoneNumberFromString(`+${digits}`);
  }
  if (!parsed || !parsed.isValid()) return { ok: false, reason: 'INVALID_NUMBER' };
  const type = parsed.getType();
  if (type !== undefined && NOT_PERSONAL.has(type)) return { ok: false, reason: 'NOT_PERSONAL' };
  return { ok: true, e164: parsed.number, address: parsed.number.slice(1) };
}
