/**
 * The durable embedded store for Banditore: subscribers, the consent ledger, broadcast runs and
 * the delivery ledger in one SQLite file (better-sqlite3, WAL).
 *
 * @module
 */

// The store
export { createSqliteStore, type SqliteStore } from './sqlite-store.js';
export { sqliteStoreOptionsSchema, type SqliteStoreOptions } from './options.js';

// Errors
export { StoreOpenError, isStoreOpenError, type StoreOpenErrorCode } from './errors.js';

// Schema
export { MIGRATIONS, type Migration } from './schema.js';
