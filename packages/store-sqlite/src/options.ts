import { systemClock, type Clock, type StoreChannel } from '@banditore/core';
import { parseOrThrow } from '@banditore/core/authoring';
import { z } from 'zod';

const clockSchema = z.custom<Clock>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Clock).now === 'function' &&
    typeof (value as Clock).setTimeout === 'function',
  'must be a Clock with now() and setTimeout()',
);

const channelSchema = z.custom<StoreChannel>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as StoreChannel).name === 'string' &&
    typeof (value as StoreChannel).addressSchema?.safeParse === 'function',
  'must be a channel with a name and an addressSchema',
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
  /**
   * The channels whose subscribers the store keeps (a `Channel` fits): addresses are checked with
   * each one's `addressSchema`, and a subscriber of any other channel is refused. Without it only
   * the domain rules are checked.
   */
  channels: z.array(channelSchema).readonly().optional(),
  /**
   * How long `eraseSubscriber` waits for other connections' open reads to end so the erased
   * address can be wiped from the file and its WAL, in ms; past it the call rejects with
   * `StoreError` `ERASURE_PENDING`.
   */
  erasureWaitMs: z.number().int().min(0).max(600_000).default(30_000),
});

/** Options of `createSqliteStore`. */
export type SqliteStoreOptions = z.input<typeof sqliteStoreOptionsSchema>;

/** Options with defaults applied. */
export interface ResolvedOptions {
  path: string;
  synchronous: 'normal' | 'full';
  busyTimeoutMs: number;
  clock: Clock;
  channels: readonly StoreChannel[] | undefined;
  erasureWaitMs: number;
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
    channels: parsed.channels,
    erasureWaitMs: parsed.erasureWaitMs,
  };
}
