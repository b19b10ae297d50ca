import type { Database } from 'better-sqlite3';
import { StoreOpenError } from './errors.js';
import type { Migration } from './schema.js';

const SCHEMA_TABLE = 'banditore_schema';

/**
 * Brings the database up to the newest migration, inside one immediate transaction so two
 * processes opening the same new file cannot both migrate it. A failing step rolls back all.
 *
 * @param db - An open connection.
 * @param path - The file name, for error messages.
 * @param migrations - The steps, in version order.
 * @param now - ISO time recorded with each applied step.
 * @returns The schema version after migrating.
 * @throws StoreOpenError `NEWER_SCHEMA` when the file is ahead of this code, `NOT_A_STORE` when it holds other tables.
 */
export function migrate(db: Database, path: string, migrations: readonly Migration[], now: string): number {
  const latest = migrations.at(-1)?.version ?? 0;
  const run = db.transaction((): number => {
    const hasTable = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(SCHEMA_TABLE);
    if (!hasTable) {
      const others = db
        .prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
        .pluck()
        .get() as number;
      if (others > 0) {
        throw new StoreOpenError(
          'NOT_A_STORE',
          path,
          `Cannot open "${path}" as a Banditore store: it is a SQLite database holding other tables. ` +
            `Point the store at a new file.`,
        );
      }
      db.exec(
        `CREATE TABLE ${SCHEMA_TABLE} (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`,
      );
    }
    const current = (db.prepare(`SELECT max(version) FROM ${SCHEMA_TABLE}`).pluck().get() as number | null) ?? 0;
    if (current > latest) {
      throw new StoreOpenError(
        'NEWER_SCHEMA',
        path,
        `Cannot open the Banditore store "${path}": it was written by a newer version of ` +
          `@banditore/store-sqlite (schema ${current}, this version knows up to ${latest}). ` +
          `Upgrade the package; the file was not changed.`,
      );
    }
    const record = db.prepare(`INSERT INTO ${SCHEMA_TABLE} (version, description, applied_at) VALUES (?, ?, ?)`);
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.description, now);
    }
    return Math.max(current, latest);
  });
  return run.immediate();
}

/**
 * Reads the schema version of an open database (0 when it has none).
 *
 * @param db - An open connection.
 */
export function schemaVersion(db: Database): number {
  const hasTable = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(SCHEMA_TABLE);
  if (!hasTable) return 0;
  return (db.prepare(`SELECT max(version) FROM ${SCHEMA_TABLE}`).pluck().get() as number | null) ?? 0;
}
