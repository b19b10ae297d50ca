import Database from 'better-sqlite3';
import { classifyOpenError } from './errors.js';
import { checkStoreFile, migrate } from './migrate.js';
import { MIGRATIONS, type Migration } from './schema.js';
import type { ResolvedOptions } from './options.js';

/** An open, migrated connection and its schema version. */
export interface OpenDatabase {
  db: Database.Database;
  version: number;
}

/**
 * Opens the file, checks that it is (or can become) a store of a schema this code knows, then
 * switches it to WAL and migrates it. Every failure becomes a StoreOpenError naming the file, and
 * the connection is closed again. The checks only read: switching to WAL rewrites the file's
 * header, so it happens after them, and a refused file is left exactly as it was.
 *
 * @param options - Resolved store options.
 * @param migrations - The schema steps (tests pass their own).
 * @returns The connection.
 * @throws StoreOpenError for a newer schema, a damaged file, a foreign database or an unwritable path.
 */
export function openDatabase(options: ResolvedOptions, migrations: readonly Migration[] = MIGRATIONS): OpenDatabase {
  let db: Database.Database | undefined;
  try {
    db = new Database(options.path, { timeout: options.busyTimeoutMs });
    // The first statement reads the header: a damaged or non-SQLite file fails here.
    checkStoreFile(db, options.path, migrations.at(-1)?.version ?? 0);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('temp_store = MEMORY');
    // Freed cells are zeroed, so an erased address does not linger in free space.
    db.pragma('secure_delete = ON');
    const version = migrate(db, options.path, migrations, new Date(options.clock.now()).toISOString());
    return { db, version };
  } catch (error) {
    try {
      db?.close();
    } catch {
      // The original error is the one worth reporting.
    }
    throw classifyOpenError(options.path, error);
  }
}
