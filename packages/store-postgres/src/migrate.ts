import type { PoolClient } from 'pg';
import { StoreOpenError, describeTarget, type StoreTarget } from './errors.js';
import type { Migration } from './schema.js';

const SCHEMA_TABLE = 'banditore_schema';

/** Quotes a schema name already checked to be a plain identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Brings the schema up to the newest migration in one transaction, holding an advisory lock on
 * the schema's name so that workers starting together migrate it once; a failing step rolls back
 * all of it (PostgreSQL's DDL is transactional).
 *
 * @param client - A connection, not inside a transaction.
 * @param target - Where, for error messages; `target.schema` is the schema to migrate.
 * @param migrations - The steps, in version order.
 * @param now - Time recorded with each applied step.
 * @returns The schema version after migrating.
 * @throws StoreOpenError `NEWER_SCHEMA` when the schema is ahead of this code, `NOT_A_STORE` when it holds other tables.
 */
export async function migrate(
  client: PoolClient,
  target: StoreTarget,
  migrations: readonly Migration[],
  now: Date,
): Promise<number> {
  const latest = migrations.at(-1)?.version ?? 0;
  const s = quoteIdent(target.schema);
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`banditore-migrate:${target.schema}`]);
    const tables = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1`,
      [target.schema],
    );
    const names = tables.rows.map((row) => row.name);
    if (!names.includes(SCHEMA_TABLE)) {
      if (names.length > 0) {
        throw new StoreOpenError(
          'NOT_A_STORE',
          target,
          `Cannot use ${describeTarget(target)} as a Banditore store: the schema holds other tables. ` +
            `Choose another schema with the "schema" option.`,
        );
      }
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await client.query(
        `CREATE TABLE ${s}.${SCHEMA_TABLE} (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL)`,
      );
    }
    const found = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${s}.${SCHEMA_TABLE}`);
    const current = found.rows[0]?.v ?? 0;
    if (current > latest) {
      throw new StoreOpenError(
        'NEWER_SCHEMA',
        target,
        `Cannot open the Banditore store in ${describeTarget(target)}: it was written by a newer version of ` +
          `@banditore/store-postgres (schema ${current}, this version knows up to ${latest}). ` +
          `Upgrade the package; nothing was changed.`,
      );
    }
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await client.query(migration.sql(s));
      await client.query(`INSERT INTO ${s}.${SCHEMA_TABLE} (version, description, applied_at) VALUES ($1, $2, $3)`, [
        migration.version,
        migration.description,
        now,
      ]);
    }
    await client.query('COMMIT');
    return Math.max(current, latest);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
