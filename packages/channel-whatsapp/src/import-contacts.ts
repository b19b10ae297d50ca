import { type SubscriberInput, type SubscriberStore } from '@banditore/core';
import { parseOrThrow } from '@banditore/core/authoring';
import { z } from 'zod';
import { contactsCsvOptionsSchema, parseContactsCsv, type RejectedContact } from './contacts-import.js';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/);

/** Options of {@link importWhatsAppContacts}, validated once (→ `ConfigError` naming the field). */
export const importWhatsAppContactsOptionsSchema = contactsCsvOptionsSchema.extend({
  /** Where the subscribers go. */
  store: z.custom<Pick<SubscriberStore, 'importSubscribers'>>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { importSubscribers?: unknown }).importSubscribers === 'function',
    'must be a Store',
  ),
  /**
   * When the citizens gave the consent the comune holds (ISO date or date-time), recorded with
   * each subscriber as consent source `import`. Not the day of the import.
   */
  consentGivenAt: z.union([z.iso.date(), z.iso.datetime({ offset: true })]),
  /** The privacy notice version the citizens were shown when they gave it. */
  noticeVersion: z.string().trim().min(1).max(64),
  /** @defaultValue `"whatsapp"` */
  channel: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/)
    .default('whatsapp'),
  /** Language of contacts without one. @defaultValue `"it"` */
  language: z.string().min(2).max(35).default('it'),
  /** Topics of every imported contact; empty means everything. @defaultValue `[]` */
  topics: z.array(slug).max(50).default([]),
  /** Areas of every imported contact; empty means the whole comune. @defaultValue `[]` */
  areas: z.array(slug).max(200).default([]),
  /** Read and report only, write nothing. @defaultValue `false` */
  dryRun: z.boolean().default(false),
});

/** Options of {@link importWhatsAppContacts}. */
export type ImportWhatsAppContactsOptions = z.input<typeof importWhatsAppContactsOptionsSchema>;

/** What an import did. Counts, line numbers and reasons only: safe to log and show. */
export interface ImportWhatsAppContactsReport {
  /** Data rows in the file. */
  rows: number;
  /** Distinct valid numbers found. */
  valid: number;
  /** Subscribers written (new or updated). */
  imported: number;
  /** Valid numbers not written: citizens who had unsubscribed stay unsubscribed. */
  skipped: number;
  /** Rows whose number repeated an earlier row. */
  duplicates: number;
  rejected: RejectedContact[];
}

const BATCH = 1_000;

/**
 * Imports the comune's existing WhatsApp list from a CSV export: numbers to E.164 (Italian by
 * default: `335 7152219` → `+393357152219`, stored as `393357152219`), duplicates merged, invalid
 * rows reported by line and reason, and every subscriber recorded with consent source `import`,
 * the date the consent was given and the notice version. A citizen who unsubscribed is never
 * re-activated by an import.
 *
 * Import only numbers whose owners agreed to receive the comune's messages on WhatsApp (see
 * docs/channels/whatsapp.md, "Importing an existing list"), and re-confirm with a template.
 *
 * @param csv - The file's text or bytes.
 * @param options - Store, consent date and notice version, and the CSV options.
 * @returns The report.
 * @throws ConfigError for invalid options (naming the field, never echoing it).
 * @example
 * ```ts
 * const report = await importWhatsAppContacts(await readFile('rubrica.csv'), {
 *   store, consentGivenAt: '2024-05-01', noticeVersion: '2024-01' })
 * // { rows: 11230, valid: 11012, imported: 11012, skipped: 0, duplicates: 143, rejected: [{ row: 88, reason: 'INVALID_NUMBER' }, …] }
 * ```
 */
export async function importWhatsAppContacts(
  csv: string | Uint8Array,
  options: ImportWhatsAppContactsOptions,
): Promise<ImportWhatsAppContactsReport> {
  const resolved = parseOrThrow('importWhatsAppContacts options', importWhatsAppContactsOptionsSchema, options);
  const csvOptions = {
    defaultRegion: resolved.defaultRegion,
    ...(resolved.column === undefined ? {} : { column: resolved.column }),
    ...(resolved.languageColumn === undefined ? {} : { languageColumn: resolved.languageColumn }),
  };
  const parsed = parseContactsCsv(csv, csvOptions);
  const inputs: SubscriberInput[] = parsed.contacts.map((contact) => ({
    channel: resolved.channel,
    address: contact.address,
    topics: [...resolved.topics],
    areas: [...resolved.areas],
    language: contact.language ?? resolved.language,
  }));
  const at = new Date(resolved.consentGivenAt).toISOString();
  let imported = 0;
  if (!resolved.dryRun) {
    for (let start = 0; start < inputs.length; start += BATCH) {
      imported += await resolved.store.importSubscribers(inputs.slice(start, start + BATCH), {
        method: 'import',
        noticeVersion: resolved.noticeVersion,
        at,
      });
    }
  }
  return {
    rows: parsed.rows,
    valid: inputs.length,
    imported,
    skipped: resolved.dryRun ? 0 : inputs.length - imported,
    duplicates: parsed.duplicates,
    rejected: parsed.rejected,
  };
}
