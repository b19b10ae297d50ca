import { createSubscriberGuard, type Store } from '@banditore/core';
import { createAudienceMethods } from './audience.js';
import { createChannelStateMethods } from './channel-state.js';
import { createContext, settle } from './context.js';
import { toStoreFailure } from './errors.js';
import { createLedgerMethods } from './ledger.js';
import { openDatabase } from './open.js';
import { resolveOptions, type SqliteStoreOptions } from './options.js';
import { createPriorSendMethods } from './prior-sends.js';
import { createPrivacyMethods } from './privacy.js';
import { createReceiptMethods } from './receipts.js';
import { createRunKeys, createRunMethods } from './runs.js';
import { createSubscriberMethods } from './subscribers.js';
import { createWiper } from './wipe.js';

/** The SQLite store: a complete {@link Store} plus file-level operations. */
export interface SqliteStore extends Store {
  /** The database file. */
  readonly path: string;
  /** The schema version of the open file. */
  readonly schemaVersion: number;
  /**
   * Writes a consistent copy of the database to `destination` while the store stays usable
   * (SQLite's online backup). Safe during a broadcast; copying the file by hand under WAL is not.
   */
  backup(destination: string): Promise<void>;
}

/**
 * Opens (or creates) a Banditore store in one SQLite file: subscribers and the append-only
 * consent ledger, broadcast runs with leases, and the delivery ledger.
 *
 * The file runs in WAL mode with `synchronous=NORMAL`, is migrated forward at open, streams
 * audiences by keyset pages and writes the ledger in one transaction per batch. Several
 * processes may open the same file; run leases keep them from delivering the same run twice.
 *
 * @param options - `path` and the optional settings of {@link SqliteStoreOptions}.
 * @returns The store; call `close()` when done.
 * @throws ConfigError when an option is invalid.
 * @throws StoreOpenError naming the file when it is newer, damaged, foreign or not writable.
 * @example
 * ```ts
 * import { createSqliteStore } from '@banditore/store-sqlite'
 *
 * const store = createSqliteStore({ path: 'data/banditore.db' })
 * const broadcaster = createBroadcaster({ store, channels: [telegram] })
 * ```
 */
export function createSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const resolved = resolveOptions(options);
  const { db, version } = openDatabase(resolved);
  const ctx = createContext(db, resolved.clock, createSubscriberGuard(resolved.channels));
  const keys = createRunKeys(ctx);
  const wiper = createWiper(ctx, resolved.erasureWaitMs);
  return {
    path: resolved.path,
    schemaVersion: version,
    ...createSubscriberMethods(ctx),
    ...createAudienceMethods(ctx),
    ...createPrivacyMethods(ctx, wiper),
    ...createRunMethods(ctx),
    ...createLedgerMethods(ctx, keys),
    ...createPriorSendMethods(ctx),
    ...createReceiptMethods(ctx),
    ...createChannelStateMethods(ctx),
    async backup(destination) {
      await db.backup(destination).catch((error: unknown) => {
        throw toStoreFailure(error);
      });
    },
    close() {
      return settle(() => {
        wiper.finishIfPending();
        if (db.open) db.close();
      });
    },
  };
}
