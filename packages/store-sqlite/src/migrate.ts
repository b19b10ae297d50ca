import type { Database } from 'better-sqlite3';
import { StoreOpenError } from './errors.js';
import type { Migration } from './schema.js';

const SCHEMA_TABLE = 'banditore_schema';

/**
 * Reads what the file holds without writing to it: its schema version, or why it cannot be a
 * Banditore store. Runs before anything changes the file, so a refused file is left untouched.
 *
 * @param db - An open connection.
 * @param path - The file name, for error messages.
 * @param latest - The newest schema version this code knows.
 * @returns The file's schema version (0 for a new, empty file).
 * @throws StoreOpenError `NEWER_SCHEMA` when the file is ahead of this code, `NOT_A_STORE` when it holds other tables.
 */
export function checkStoreFile(db: Database, path: string, latest: number): number {
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
          `Point the store at a new file; this one was not changed.`,
      );
    }
    return 0;
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
  return current;
}

/** Thrown inside the probe's nested transaction so better-sqlite3 rolls it back. */
class UndoProbe extends Error {}

/**
 * Brings the database up to the newest migration, inside one immediate transaction so two
 * processes opening the same new file cannot both migrate it. A failing step rolls back all.
 *
 * It ends with a write that it undoes: a file the operating system lets this process read but
 * not write still opens (SQLite falls back to read-only, and in WAL mode even `BEGIN IMMEDIATE`
 * succeeds), and without the probe such a store would fail only at its first real write.
 *
 * @param db - An open connection.
 * @param path - The file name, for error messages.
 * @param migrations - The steps, in version order.
 * @param now - ISO time recorded with each applied step.
 * @returns The schema version after migrating.
 * @throws StoreOpenError `NEWER_SCHEMA` when the file is ahead of this code, `NOT_A_STORE` when it holds other tables.
 * @throws The raw `SQLITE_READONLY` error when the file cannot be written.
 */
export function migrate(db: Database, path: string, migrations: readonly Migration[], now: string): number {
  const latest = migrations.at(-1)?.version ?? 0;
  const probe = db.transaction(() => {
    db.prepare(`INSERT INTO ${SCHEMA_TABLE} (version, description, applied_at) VALUES (-1, 'write probe', ?)`).run(now);
    throw new UndoProbe('undo the write probe');
  });
  const run = db.transaction((): number => {
    // Checked again inside the lock: another process may have migrated the file meanwhile.
    const current = checkStoreFile(db, path, latest);
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${SCHEMA_TABLE} (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`,
    );
    const record = db.prepare(`INSERT INTO ${SCHEMA_TABLE} (version, description, applied_at) VALUES (?, ?, ?)`);
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.description, now);
    }
    try {
      probe();
    } catch (error) {
      if (!(error instanceof UndoProbe)) throw error;
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
