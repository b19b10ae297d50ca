/**
 * The shared store for Banditore on PostgreSQL: subscribers, the consent ledger, broadcast runs
 * and the delivery ledger in one schema, for several broadcaster processes on several machines.
 *
 * @module
 */

// The store
export { createPostgresStore, type PostgresStore } from './postgres-store.js';
export { postgresStoreOptionsSchema, type PostgresStoreOptions } from './options.js';

// Errors
export { StoreOpenError, isStoreOpenError, type StoreOpenErrorCode, type StoreTarget } from './errors.js';

// Schema
export { MIGRATIONS, type Migration } from './schema.js';
