import Database from 'better-sqlite3';
import { classifyOpenError } from './errors.js';
import { migrate } from './migrate.js';
import { MIGRATIONS, type Migration } from './schema.js';
import type { ResolvedOptions } from './options.js';

/** An open, migrated connection and its schema version. */
export interface OpenDatabase {
  db: Database.Database;
  version: number;
}

/**
 * Opens the file, switches it to WAL and migrates it. Every failure becomes a StoreOpenError
 * naming the file, and the connection is closed again.
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
    // The first statement reads the header: a damaged or foreign file fails here.
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
