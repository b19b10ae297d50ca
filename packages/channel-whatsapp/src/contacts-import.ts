import { ConfigError } from '@banditore/core';
import { parseOrThrow } from '@banditore/core/authoring';
import { parse } from 'csv-parse/sync';
import type { CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';
import { normaliseWhatsAppNumber, type NumberRejection } from './phone-number.js';

/** A row that could not be imported: its line in the file and why. Never the number. */
export interface RejectedContact {
  /** 1-based line of the file, as a spreadsheet shows it (the header is line 1). */
  row: number;
  reason: NumberRejection | 'UNKNOWN_LANGUAGE';
}

/** One contact ready to import. */
export interface ParsedContact {
  row: number;
  /** Digits, as the store and WhatsApp spell it. */
  address: string;
  language: string | undefined;
}

/** What reading the file found. */
export interface ParsedContacts {
  contacts: ParsedContact[];
  rejected: RejectedContact[];
  /** Rows whose number had already appeared (merged into the first). */
  duplicates: number;
  /** Data rows read (the header excluded). */
  rows: number;
}

const PHONE_HEADER = /^(tel|telefono|cell|cellulare|mobile|phone|numero|number|whatsapp|wa|msisdn)/i;
const LANGUAGE_HEADER = /^(lingua|language|lang)$/i;

/** Options of {@link parseContactsCsv}, validated once (→ `ConfigError` naming the field). */
export const contactsCsvOptionsSchema = z.object({
  /** Country of numbers written without a prefix (ISO 3166 alpha-2). @defaultValue `"IT"` */
  defaultRegion: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 country code such as "IT"')
    .default('IT'),
  /**
   * The column holding the number: its header name or 0-based index. @defaultValue the first
   * column whose header looks like a phone column (telefono, cellulare, phone, …), else the first
   */
  column: z.union([z.string().min(1).max(100), z.number().int().min(0).max(1_000)]).optional(),
  /** A column with `it` / `en`; empty cells use the import's language. @defaultValue a header named lingua / language */
  languageColumn: z.union([z.string().min(1).max(100), z.number().int().min(0).max(1_000)]).optional(),
});

/** Options of {@link parseContactsCsv}. */
export type ContactsCsvOptions = z.input<typeof contactsCsvOptionsSchema>;

function columnIndex(
  header: string[] | undefined,
  wanted: string | number | undefined,
  guess: RegExp,
): number | undefined {
  if (typeof wanted === 'number') return wanted;
  if (!header) return undefined;
  if (wanted !== undefined) {
    const found = header.findIndex((cell) => cell.trim().toLowerCase() === wanted.trim().toLowerCase());
    return found >= 0 ? found : undefined;
  }
  const found = header.findIndex((cell) => guess.test(cell.trim()));
  return found >= 0 ? found : undefined;
}

/**
 * Reads a CSV export of contacts (the comune's phone book, a spreadsheet): comma or semicolon
 * separated, with or without a header, UTF-8 with or without BOM. Numbers become WhatsApp
 * addresses (E.164 digits), duplicates are merged, and bad rows are reported by line and reason
 * only, so the report can be logged and shown without exposing anyone's number.
 *
 * @param csv - The file's text or bytes.
 * @param options - Region and columns.
 * @returns The contacts, the rejected rows and the duplicate count.
 * @throws ConfigError for invalid options or a named column that is not in the header.
 * @example
 * ```ts
 * const { contacts, rejected } = parseContactsCsv('telefono;lingua\n335 7152219;it\n', {})
 * ```
 */
export function parseContactsCsv(csv: string | Uint8Array, options: ContactsCsvOptions = {}): ParsedContacts {
  const resolved = parseOrThrow('parseContactsCsv options', contactsCsvOptionsSchema, options);
  const records = parse(typeof csv === 'string' ? csv : Buffer.from(csv), {
    bom: true,
    delimiter: [',', ';', '\t'],
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    info: true,
  }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  const first = records[0]?.record;
  const hasHeader =
    first !== undefined &&
    first.some((cell) => PHONE_HEADER.test(cell.trim()) || LANGUAGE_HEADER.test(cell.trim())) &&
    !first.some((cell) => normaliseWhatsAppNumber(cell, resolved.defaultRegion as CountryCode).ok);
  const header = hasHeader ? first : undefined;
  const phoneColumn =
    columnIndex(header, resolved.column, PHONE_HEADER) ?? (resolved.column === undefined ? 0 : undefined);
  if (phoneColumn === undefined) {
    throw new ConfigError('parseContactsCsv options: "column" names no column of the header', ['column']);
  }
  const languageColumn = columnIndex(header, resolved.languageColumn, LANGUAGE_HEADER);

  const seen = new Set<string>();
  const result: ParsedContacts = { contacts: [], rejected: [], duplicates: 0, rows: 0 };
  for (const { record, info } of hasHeader ? records.slice(1) : records) {
    result.rows++;
    const row = info.lines;
    const number = normaliseWhatsAppNumber(record[phoneColumn] ?? '', resolved.defaultRegion as CountryCode);
    if (!number.ok) {
      result.rejected.push({ row, reason: number.reason });
      continue;
    }
    const rawLanguage = languageColumn === undefined ? '' : (record[languageColumn] ?? '').trim().toLowerCase();
    if (rawLanguage !== '' && !/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/.test(rawLanguage)) {
      result.rejected.push({ row, reason: 'UNKNOWN_LANGUAGE' });
      continue;
    }
    if (seen.has(number.address)) {
      result.duplicates++;
      continue;
    }
    seen.add(number.address);
    result.contacts.push({ row, address: number.address, language: rawLanguage === '' ? undefined : rawLanguage });
  }
  return result;
}
