import { z } from 'zod';
import { ConfigError } from '../errors.js';
import {
  CONSENT_METHODS,
  languageTag,
  SUBSCRIBER_STATUSES,
  subscriberInputSchema,
  type SubscriberInput,
  type SubscriberPatch,
} from '../domain/subscriber.js';
import type { ConsentRecord } from './subscriber-store.js';

/** What a store needs to know about a channel to check its addresses: a `Channel` fits. */
export interface StoreChannel {
  readonly name: string;
  readonly addressSchema: z.ZodType<string>;
}

/** One row an import refused: its 1-based position in the list and why (never its values). */
export interface RejectedRow {
  /** 1-based position in the list given to `importSubscribers`. */
  row: number;
  /** The fields that failed, e.g. `["address", "topics.1"]`. */
  fields: string[];
  /** One `field: rule` line per problem. */
  reasons: string[];
}

const IMPORT_ERROR = Symbol.for('banditore.SubscriberImportError');
const LISTED_ROWS = 20;

/**
 * Thrown by `importSubscribers` when any row is invalid. The import is all or nothing: no row
 * was written. `rejected` lists every bad row by number and reason, never by value.
 *
 * @example
 * ```ts
 * try { await store.importSubscribers(rows, consent) }
 * catch (error) { if (isSubscriberImportError(error)) for (const r of error.rejected) report(r.row, r.reasons) }
 * ```
 */
export class SubscriberImportError extends ConfigError {
  /** Every refused row, in order. */
  readonly rejected: readonly RejectedRow[];
  readonly [IMPORT_ERROR] = true;

  constructor(rejected: readonly RejectedRow[], total: number) {
    const lines = rejected.slice(0, LISTED_ROWS).map((row) => `  row ${row.row}: ${row.reasons.join('; ')}`);
    if (rejected.length > LISTED_ROWS) lines.push(`  … and ${rejected.length - LISTED_ROWS} more rows`);
    super(
      `Import refused: ${rejected.length} of ${total} rows are invalid, nothing was written:\n${lines.join('\n')}`,
      [...new Set(rejected.flatMap((row) => row.fields))],
    );
    this.rejected = rejected;
  }
}

/**
 * Tells whether a value is a {@link SubscriberImportError}, even from another copy of core.
 *
 * @param value - Anything caught.
 * @returns `true` for a SubscriberImportError.
 */
export function isSubscriberImportError(value: unknown): value is SubscriberImportError {
  return typeof value === 'object' && value !== null && IMPORT_ERROR in value;
}

// The domain schema, tightened where a store would otherwise keep junk: a NUL or a line break
// in an address. Languages come out in their canonical case (`IT` → `it`).
const address = subscriberInputSchema.shape.address.refine(
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  (value) => !/[\u0000-\u001f\u007f]/.test(value),
  'must not contain control characters',
);
const language = languageTag;
const inputSchema = subscriberInputSchema.extend({ address });
const patchSchema = z.object({
  topics: subscriberInputSchema.shape.topics.unwrap().optional(),
  areas: subscriberInputSchema.shape.areas.unwrap().optional(),
  language: language.optional(),
  status: z.enum(SUBSCRIBER_STATUSES).optional(),
  address: address.optional(),
});
const consentSchema = z.object({
  method: z.enum(CONSENT_METHODS),
  noticeVersion: z.string().min(1).max(64),
  at: z.iso.datetime({ offset: true }).optional(),
});

interface Problem {
  field: string;
  rule: string;
}

const pathOf = (path: readonly PropertyKey[]): string => path.map(String).join('.') || '(root)';
const fromZod = (error: z.ZodError): Problem[] =>
  error.issues.map((issue) => ({ field: pathOf(issue.path), rule: issue.message }));

/** Validates what enters a store; both stores (and any other) use it at their boundary. */
export interface SubscriberGuard {
  /** @throws ConfigError naming the invalid fields. */
  input(value: unknown): SubscriberInput;
  /** @throws SubscriberImportError listing every invalid row. */
  inputs(values: readonly unknown[]): SubscriberInput[];
  /** @throws ConfigError naming the invalid fields; `channel` is the subscriber's. */
  patch(channel: string, value: unknown): SubscriberPatch;
  /** @throws ConfigError naming the invalid fields. */
  consent(value: unknown): ConsentRecord;
}

/**
 * Builds the validation a store applies to everything it is asked to write: the domain's zod
 * schemas, and, when the store knows its channels, each channel's `addressSchema` (an address on
 * a channel the store was not given is refused). Errors name fields and rules, never values.
 *
 * @param channels - The channels whose subscribers the store keeps; omit to check the domain rules only.
 * @returns The guard.
 * @example
 * ```ts
 * const guard = createSubscriberGuard([telegram])
 * const input = guard.input(untrusted) // throws ConfigError for a non-numeric chat id
 * ```
 */
export function createSubscriberGuard(channels?: readonly StoreChannel[]): SubscriberGuard {
  const schemas = channels && new Map(channels.map((channel) => [channel.name, channel.addressSchema]));
  const known = channels?.map((channel) => `"${channel.name}"`).join(', ');
  const addressProblems = (channel: string, value: string, field: string): Problem[] => {
    if (!schemas) return [];
    const schema = schemas.get(channel);
    if (!schema) return [{ field: 'channel', rule: `is not one of this store's channels (${known})` }];
    // The channel's own message could quote the address, so the rule is ours.
    return schema.safeParse(value).success ? [] : [{ field, rule: `is not a valid "${channel}" address` }];
  };
  const checkInput = (value: unknown): { data: SubscriberInput } | { problems: Problem[] } => {
    const parsed = inputSchema.safeParse(value);
    if (parsed.success) {
      const problems = addressProblems(parsed.data.channel, parsed.data.address, 'address');
      return problems.length > 0 ? { problems } : { data: parsed.data };
    }
    // Report the channel's verdict on the address too, so one round of fixes is enough.
    const problems = fromZod(parsed.error);
    const { channel, address } = (value ?? {}) as { channel?: unknown; address?: unknown };
    if (typeof channel === 'string' && typeof address === 'string' && !problems.some((p) => p.field === 'address'))
      problems.push(...addressProblems(channel, address, 'address').filter((p) => p.field === 'address'));
    return { problems };
  };
  const fail = (subject: string, problems: readonly Problem[]): ConfigError =>
    new ConfigError(
      `Invalid ${subject}:\n${problems.map((p) => `  ✖ ${p.field}: ${p.rule}`).join('\n')}`,
      problems.map((p) => p.field),
    );

  return {
    input(value) {
      const checked = checkInput(value);
      if ('problems' in checked) throw fail('subscriber', checked.problems);
      return checked.data;
    },
    inputs(values) {
      if (!Array.isArray(values)) throw fail('import', [{ field: '(root)', rule: 'must be a list of subscribers' }]);
      const valid: SubscriberInput[] = [];
      const rejected: RejectedRow[] = [];
      values.forEach((value, index) => {
        const checked = checkInput(value);
        if ('data' in checked) valid.push(checked.data);
        else
          rejected.push({
            row: index + 1,
            fields: checked.problems.map((p) => p.field),
            reasons: checked.problems.map((p) => `${p.field}: ${p.rule}`),
          });
      });
      if (rejected.length > 0) throw new SubscriberImportError(rejected, values.length);
      return valid;
    },
    patch(channel, value) {
      const parsed = patchSchema.safeParse(value);
      if (!parsed.success) throw fail('subscriber change', fromZod(parsed.error));
      const problems =
        parsed.data.address === undefined ? [] : addressProblems(channel, parsed.data.address, 'address');
      if (problems.length > 0) throw fail('subscriber change', problems);
      const patch: SubscriberPatch = {};
      for (const [field, entry] of Object.entries(parsed.data)) {
        if (entry !== undefined) (patch as Record<string, unknown>)[field] = entry;
      }
      return patch;
    },
    consent(value) {
      const parsed = consentSchema.safeParse(value);
      if (!parsed.success) throw fail('consent record', fromZod(parsed.error));
      const { at, ...rest } = parsed.data;
      return at === undefined ? rest : { ...rest, at };
    },
  };
}
