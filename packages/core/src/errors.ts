import type { z } from 'zod';

const CONFIG_ERROR = Symbol.for('banditore.ConfigError');

/**
 * Thrown when options or input handed to a Banditore factory or method are invalid.
 *
 * The message names every offending field (zod's prettified issues), never the values,
 * so it is safe to log even when the input held addresses or tokens.
 *
 * @example
 * ```ts
 * try { createBroadcaster({ store, channels: [] }) }
 * catch (error) { if (isConfigError(error)) report(error.fields) }
 * ```
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** Dotted paths of the fields that failed validation, e.g. `["limits.ratePerSecond"]`. */
  readonly fields: readonly string[];
  readonly [CONFIG_ERROR] = true;

  constructor(message: string, fields: readonly string[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.fields = fields;
  }

  /**
   * Builds a ConfigError from a failed zod parse, naming each field without echoing its value.
   *
   * @param subject - What was being validated, e.g. `"createBroadcaster options"`.
   * @param error - The zod error.
   */
  static fromZod(subject: string, error: z.ZodError): ConfigError {
    const fields = error.issues.map((issue) => issue.path.map(String).join('.') || '(root)');
    const lines = error.issues.map((issue) => {
      const path = issue.path.map(String).join('.') || '(root)';
      return `  ✖ ${path}: ${issue.message}`;
    });
    return new ConfigError(`Invalid ${subject}:\n${lines.join('\n')}`, fields);
  }
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
  if (!result.success) throw ConfigError.fromZod(subject, result.error);
  return result.data;
}
