import { parseOrThrow, systemClock, type Clock } from '@banditore/core';
import { z } from 'zod';

const clockSchema = z.custom<Clock>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Clock).now === 'function' &&
    typeof (value as Clock).setTimeout === 'function',
  'must be a Clock with now() and setTimeout()',
);

/** Options of `createSqliteStore`, validated at the boundary. */
export const sqliteStoreOptionsSchema = z.object({
  /** The database file; created with its folder's `-wal` and `-shm` companions. `":memory:"` for tests. */
  path: z.string().min(1),
  /**
   * `normal` (the default) is safe in WAL mode: a power cut may lose the last transactions but
   * never corrupts the file. `full` syncs every commit (about 2–4 thousand commits/s).
   */
  synchronous: z.enum(['normal', 'full']).default('normal'),
  /** How long a write waits for another process's lock before failing, in ms. */
  busyTimeoutMs: z.number().int().min(0).max(600_000).default(5_000),
  /** Time source for consent events and timestamps when the caller gives none. */
  clock: clockSchema.optional(),
});

/** Options of `createSqliteStore`. */
export type SqliteStoreOptions = z.input<typeof sqliteStoreOptionsSchema>;

/** Options with defaults applied. */
export interface ResolvedOptions {
  path: string;
  synchronous: 'normal' | 'full';
  busyTimeoutMs: number;
  clock: Clock;
}

/**
 * Validates options and applies defaults.
 *
 * @param input - What the caller passed.
 * @returns The resolved options.
 * @throws ConfigError naming the invalid fields.
 */
export function resolveOptions(input: unknown): ResolvedOptions {
  const parsed = parseOrThrow('createSqliteStore options', sqliteStoreOptionsSchema, input);
  return {
    path: parsed.path,
    synchronous: parsed.synchronous,
    busyTimeoutMs: parsed.busyTimeoutMs,
    clock: parsed.clock ?? systemClock,
  };
}
