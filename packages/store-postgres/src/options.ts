import { systemClock, type Clock, type StoreChannel } from '@banditore/core';
import { parseOrThrow } from '@banditore/core/authoring';
import type { Pool } from 'pg';
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

const poolSchema = z.custom<Pool>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Pool).connect === 'function' &&
    typeof (value as Pool).query === 'function',
  'must be a pg Pool',
);

/** Options of `createPostgresStore`, validated at the boundary. */
export const postgresStoreOptionsSchema = z
  .object({
    /**
     * A PostgreSQL connection string (`postgres://user:password@host:5432/database`). The store
     * opens its own pool and closes it in `close()`. Give this or `pool`.
     */
    connectionString: z.string().min(1).optional(),
    /** A `pg` Pool you manage: the store uses it and leaves it open in `close()`. Give this or `connectionString`. */
    pool: poolSchema.optional(),
    /**
     * The schema that holds the store's tables, created when missing. Several comuni can share
     * one server with one schema each. Lower-case letters, digits and `_`.
     */
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier (letters, digits, _)')
      .default('banditore'),
    /** Connections in the pool the store opens (ignored with `pool`). */
    poolSize: z.number().int().min(1).max(200).default(4),
    /** How long opening a connection may take before the server counts as unreachable, in ms. */
    connectTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
    /**
     * Run `VACUUM` on the subscribers table after each erasure, so the erased row version leaves
     * the table file at once instead of at the next autovacuum. Erasures are rare; keep it on.
     */
    vacuumAfterErase: z.boolean().default(true),
    /**
     * The channels whose subscribers this store keeps: each address is checked with its
     * channel's `addressSchema`, and a subscriber on any other channel is refused. Without it,
     * only the domain rules are checked.
     */
    channels: z.array(channelSchema).readonly().optional(),
    /** Time source for consent events and timestamps when the caller gives none. */
    clock: clockSchema.optional(),
  })
  .refine((value) => (value.connectionString === undefined) !== (value.pool === undefined), {
    message: 'give exactly one of connectionString and pool',
    path: ['connectionString'],
  });

/** Options of `createPostgresStore`. */
export type PostgresStoreOptions = z.input<typeof postgresStoreOptionsSchema>;

/** Options with defaults applied. */
export interface ResolvedOptions {
  connectionString: string | undefined;
  pool: Pool | undefined;
  schema: string;
  poolSize: number;
  connectTimeoutMs: number;
  vacuumAfterErase: boolean;
  channels: readonly StoreChannel[] | undefined;
  clock: Clock;
}

/**
 * Validates options and applies defaults.
 *
 * @param input - What the caller passed.
 * @returns The resolved options.
 * @throws ConfigError naming the invalid fields (never their values: a connection string holds a password).
 */
export function resolveOptions(input: unknown): ResolvedOptions {
  const parsed = parseOrThrow('createPostgresStore options', postgresStoreOptionsSchema, input);
  return {
    connectionString: parsed.connectionString,
    pool: parsed.pool,
    schema: parsed.schema,
    poolSize: parsed.poolSize,
    connectTimeoutMs: parsed.connectTimeoutMs,
    vacuumAfterErase: parsed.vacuumAfterErase,
    channels: parsed.channels,
    clock: parsed.clock ?? systemClock,
  };
}
