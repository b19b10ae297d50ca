import type { z } from 'zod';
import { declaredKeysAt, fieldPath, likelyMeant, MASKED_KEY } from './util/field-path.js';

const CONFIG_ERROR = Symbol.for('banditore.ConfigError');

/** At most this many issues are spelled out; the rest are counted. */
const MAX_LINES = 10;
/** At most this many field paths are kept in `fields`. */
const MAX_FIELDS = 50;
/** One issue's message is cut here: a custom message must not carry a long input along. */
const MAX_ISSUE_CHARS = 200;
/** Hard ceiling of the whole message, whatever the subject or the issues. */
export const MAX_CONFIG_MESSAGE_CHARS = 3_000;

/**
 * Thrown when options or input handed to a Banditore factory or method are invalid.
 *
 * The message names every offending field (zod's issues) and the rule it breaks, never the value.
 * Keys chosen by the caller (the languages of `content`, the keys of any record) are masked as
 * `<key>`, and the message is bounded, so it is safe to log even when the input held addresses,
 * names or tokens.
 *
 * @example
 * ```ts
 * try { createBroadcaster({ store, channels: [] }) }
 * catch (error) { if (isConfigError(error)) report(error.fields) }
 * ```
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** Dotted paths of the fields that failed validation, e.g. `["limits.ratePerSecond"]`; user-chosen keys read `<key>`. */
  readonly fields: readonly string[];
  readonly [CONFIG_ERROR] = true;

  constructor(message: string, fields: readonly string[] = [], options?: { cause?: unknown }) {
    super(clip(message, MAX_CONFIG_MESSAGE_CHARS), options);
    this.fields = fields.slice(0, MAX_FIELDS);
  }

  /**
   * Builds a ConfigError from a failed zod parse, naming each field and rule without echoing a
   * value or a caller-chosen key.
   *
   * @param subject - What was being validated, e.g. `"createBroadcaster options"`.
   * @param error - The zod error.
   * @param schema - The schema that failed: with it, record keys are told apart from field names
   *   exactly; without it, only plain camelCase names and indexes are shown.
   * @returns The error, not thrown.
   */
  static fromZod(subject: string, error: z.ZodError, schema?: z.ZodType): ConfigError {
    const fields: string[] = [];
    const lines: string[] = [];
    for (const issue of error.issues) {
      const path = fieldPath(schema, issue.path, issue.code === 'invalid_key');
      if (!fields.includes(path)) fields.push(path);
      if (lines.length < MAX_LINES) lines.push(`  ✖ ${path}: ${clip(ruleOf(issue, schema), MAX_ISSUE_CHARS)}`);
    }
    const more = error.issues.length - lines.length;
    if (more > 0) lines.push(`  … and ${more} more`);
    return new ConfigError(`Invalid ${subject}:\n${lines.join('\n')}`, fields);
  }
}

/** The rule an issue breaks, in words that never repeat the input. */
function ruleOf(issue: z.core.$ZodIssue, schema: z.ZodType | undefined): string {
  // zod spells unknown keys out ("Unrecognized key: \"…\""): count them instead, and name only
  // a key two edits or less from a declared one — a misspelt option, which says nothing personal.
  if (issue.code === 'unrecognized_keys') {
    const declared = declaredKeysAt(schema, issue.path);
    const typos = issue.keys.flatMap((key) => {
      const meant = likelyMeant(key, declared);
      return meant === undefined ? [] : [`unknown key "${key}", did you mean "${meant}"?`];
    });
    const others = issue.keys.length - typos.length;
    return [...typos, ...(others > 0 ? [`${others} unknown key(s) not allowed`] : [])].join('; ');
  }
  if (issue.code === 'invalid_key') {
    const inner = issue.issues[0]?.message;
    return inner === undefined ? `${MASKED_KEY} is not allowed` : `${MASKED_KEY} ${inner}`;
  }
  return issue.message;
}

/** Cuts `text` to at most `max` UTF-16 units without splitting a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 2)) ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}

/**
 * Tells whether a value is a {@link ConfigError}, even one created by another installed copy of core.
 *
 * @param value - Anything caught.
 * @returns `true` when `value` is a ConfigError.
 */
export function isConfigError(value: unknown): value is ConfigError {
  return typeof value === 'object' && value !== null && CONFIG_ERROR in value;
}

/**
 * Parses `input` with `schema`, throwing a {@link ConfigError} that names the bad fields.
 *
 * @param subject - What is being validated, used in the message.
 * @param schema - The zod schema.
 * @param input - The untrusted input.
 * @returns The parsed value.
 * @throws ConfigError when the input does not match.
 */
export function parseOrThrow<T extends z.ZodType>(subject: string, schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw ConfigError.fromZod(subject, result.error, schema);
  return result.data;
}
