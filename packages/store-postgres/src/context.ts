import { randomUUID } from 'node:crypto';
import type { Clock } from '@banditore/core';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { quoteIdent } from './migrate.js';

/** Something that runs queries: the pool, or one connection inside a transaction. */
export interface Queryable {
  query<R extends QueryResultRow>(config: {
    name?: string;
    text: string;
    values?: unknown[];
  }): Promise<{
    rows: R[];
    rowCount: number | null;
  }>;
}

/** What every part of the store shares: the pool, the schema, the clock and this instance's token. */
export interface StoreContext {
  readonly pool: Pool;
  /** The pool as a {@link Queryable}, for helpers that also run inside transactions. */
  readonly db: Queryable;
  /** The quoted schema name, to prefix table names: `${ctx.s}.subscribers`. */
  readonly s: string;
  readonly clock: Clock;
  /**
   * A random token for this store instance (one per process incarnation): it marks the
   * deliveries this instance claimed.
   */
  readonly token: string;
  /** The clock's time as a Date. */
  now(): Date;
  /** Runs one statement on the pool. */
  query<R extends QueryResultRow>(text: string, values?: unknown[], name?: string): Promise<R[]>;
  /** Runs `work` in one transaction on one connection; rolls back when it throws. */
  tx<T>(work: (client: Queryable) => Promise<T>): Promise<T>;
}

/**
 * Builds the shared context.
 *
 * @param pool - The open pool.
 * @param schema - The schema name (already validated).
 * @param clock - Time source.
 */
export function createContext(pool: Pool, schema: string, clock: Clock): StoreContext {
  const s = quoteIdent(schema);
  const token = randomUUID();
  return {
    pool,
    db: pool,
    s,
    clock,
    token,
    now: () => new Date(clock.now()),
    async query<R extends QueryResultRow>(text: string, values: unknown[] = [], name?: string): Promise<R[]> {
      // Named statements are parsed and planned once per connection: the hot path uses them.
      const result = await pool.query<R>(
        name === undefined ? { text, values } : { name: `${schema}.${name}`, text, values },
      );
      return result.rows;
    },
    async tx<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
      const client: PoolClient = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          // The connection is unusable: hand it back broken so the pool drops it.
          broken = rollbackError instanceof Error ? rollbackError : new Error('rollback failed');
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}
