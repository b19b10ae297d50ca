import { createSubscriberGuard, type Store } from '@banditore/core';
import { createAudienceMethods } from './audience.js';
import { createChannelStateMethods } from './channel-state.js';
import { createClaimMethods } from './claims.js';
import { createContext } from './context.js';
import type { StoreTarget } from './errors.js';
import { createLedgerMethods } from './ledger.js';
import { openPool } from './open.js';
import { resolveOptions, type PostgresStoreOptions } from './options.js';
import { createPriorSendMethods } from './prior-sends.js';
import { createPrivacyMethods } from './privacy.js';
import { createReceiptMethods } from './receipts.js';
import { createRunKeys, createRunMethods } from './runs.js';
import { createSubscriberMethods } from './subscribers.js';

/** The PostgreSQL store: a complete {@link Store} plus where it lives. */
export interface PostgresStore extends Store {
  /** Host, port, database, user and schema (never the password). */
  readonly target: StoreTarget;
  /** The schema version of the open store. */
  readonly schemaVersion: number;
  /**
   * This instance's random token (one per process incarnation). Deliveries it claims carry it,
   * so a process that lost a run cannot hand back claims that another process holds now.
   */
  readonly token: string;
}

/**
 * Opens (or creates) a Banditore store in a PostgreSQL schema: subscribers and the append-only
 * consent ledger, broadcast runs with leases, and the delivery ledger. Any number of broadcaster
 * processes, on any number of machines, may open the same schema.
 *
 * The schema is created and migrated forward at open (once, under an advisory lock, when several
 * workers start together). The hot path is set-based: claims in batches behind a cursor per run
 * and channel, one `UPDATE … FROM unnest(…)` per outcome batch, audiences by keyset pages.
 *
 * @param options - `connectionString` or `pool`, and the optional settings of {@link PostgresStoreOptions}.
 * @returns The store; call `close()` when done.
 * @throws ConfigError when an option is invalid.
 * @throws StoreOpenError naming host, database and schema when the server is unreachable, the
 *   credentials are refused, the database is missing, or the schema is newer or foreign.
 * @example
 * ```ts
 * import { createPostgresStore } from '@banditore/store-postgres'
 *
 * const store = await createPostgresStore({ connectionString: process.env.DATABASE_URL!, schema: 'jesi' })
 * const broadcaster = createBroadcaster({ store, channels: [telegram] })
 * ```
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const resolved = resolveOptions(options);
  const { pool, owned, version, target } = await openPool(resolved);
  const ctx = createContext(pool, resolved.schema, resolved.clock);
  const keys = createRunKeys(ctx);
  let closed = false;
  return {
    target,
    schemaVersion: version,
    token: ctx.token,
    ...createSubscriberMethods(ctx, createSubscriberGuard(resolved.channels)),
    ...createAudienceMethods(ctx),
    ...createPrivacyMethods(ctx, resolved),
    ...createRunMethods(ctx),
    ...createLedgerMethods(ctx, keys),
    ...createClaimMethods(ctx, keys),
    ...createPriorSendMethods(ctx),
    ...createReceiptMethods(ctx),
    ...createChannelStateMethods(ctx),
    async close() {
      if (closed) return;
      closed = true;
      if (owned) await pool.end();
    },
  };
}
