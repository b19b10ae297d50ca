import pg from 'pg';
import { classifyOpenError, type StoreTarget } from './errors.js';
import { migrate } from './migrate.js';
import { MIGRATIONS, type Migration } from './schema.js';
import type { ResolvedOptions } from './options.js';

/** An open, migrated pool and its schema version. */
export interface OpenPool {
  pool: pg.Pool;
  /** Whether the store made the pool (and so ends it in `close()`). */
  owned: boolean;
  version: number;
  target: StoreTarget;
}

/**
 * Where a pool connects, read the way `pg` reads it (connection string, then `PG*` variables,
 * then defaults), without connecting and without the password.
 */
export function targetOf(config: pg.PoolConfig, schema: string): StoreTarget {
  const client = new pg.Client(config) as pg.Client & { host: string; port: number; database?: string; user?: string };
  return {
    host: client.host,
    port: client.port,
    database: client.database ?? '',
    user: client.user ?? '',
    schema,
  };
}

/**
 * Opens (or takes) the pool, checks one connection and migrates the schema. Every failure
 * becomes a StoreOpenError naming host, database and schema, and a pool the store made is ended.
 *
 * @param options - Resolved store options.
 * @param migrations - The schema steps (tests pass their own).
 * @returns The pool.
 * @throws StoreOpenError for an unreachable server, wrong credentials, a missing database, a newer schema or a foreign one.
 */
export async function openPool(
  options: ResolvedOptions,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<OpenPool> {
  const owned = options.pool === undefined;
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectTimeoutMs,
      idleTimeoutMillis: 30_000,
    });
  const target = targetOf(options.pool?.options ?? { connectionString: options.connectionString }, options.schema);
  // An idle connection dropped by the server (restart, failover) is reported here; without a
  // listener Node would end the process. The next query opens a new connection.
  if (owned) pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      const version = await migrate(client, target, migrations, new Date(options.clock.now()));
      return { pool, owned, version, target };
    } finally {
      client.release();
    }
  } catch (error) {
    if (owned) await pool.end().catch(() => undefined);
    throw classifyOpenError(target, error);
  }
}
