/**
 * The schema, as forward-only migrations. Never edit a released migration: add a new one.
 *
 * Design notes (measured, see the package docs):
 * - Topics and areas are stored as delimited slugs (`,meteo,eventi,`; `,` for none) so the
 *   audience filter is a few `instr()` calls per row on an index-ordered keyset scan. Slugs
 *   cannot contain commas (the domain schema allows `[a-z0-9-]` only).
 * - Deliveries reference the run by its integer `seq`, not its text id, to keep the ledger small.
 * - `deliveries_by_queue` serves claims (pending in id order) and the per-status counts as a
 *   covering index; `deliveries_ambiguous` is partial, so it stays tiny.
 * - The consent ledger is append-only, enforced by triggers.
 */

/** One schema step. `sql` runs inside the migration transaction. */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** Every migration of this package, in order. The last one's version is the current schema. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'subscribers, consent ledger, runs, delivery ledger',
    sql: `
      CREATE TABLE subscribers (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        address TEXT,
        status TEXT NOT NULL,
        topics TEXT NOT NULL,
        areas TEXT NOT NULL,
        language TEXT NOT NULL,
        citizen_id TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX subscribers_by_address ON subscribers (channel, address);
      CREATE INDEX subscribers_by_audience ON subscribers (channel, status, id);

      CREATE TABLE consent_events (
        seq INTEGER PRIMARY KEY,
        subscriber_id INTEGER NOT NULL,
        kind TEXT NOT NULL,
        at TEXT NOT NULL,
        channel TEXT NOT NULL,
        method TEXT NOT NULL,
        notice_version TEXT NOT NULL,
        topics TEXT
      );
      CREATE INDEX consent_by_subscriber ON consent_events (subscriber_id, seq);
      CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
        BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
      CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
        BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;

      CREATE TABLE runs (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        idempotency_key TEXT NOT NULL UNIQUE,
        announcement TEXT NOT NULL,
        priority TEXT NOT NULL,
        audiences TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        finished_at INTEGER,
        lease_owner TEXT,
        lease_expires_at INTEGER
      );
      CREATE INDEX runs_by_status ON runs (status, created_at, seq);

      CREATE TABLE run_plans (
        run INTEGER NOT NULL,
        channel TEXT NOT NULL,
        cursor TEXT,
        done INTEGER NOT NULL,
        PRIMARY KEY (run, channel)
      ) WITHOUT ROWID;

      CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        run INTEGER NOT NULL,
        channel TEXT NOT NULL,
        subscriber_id INTEGER NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        ambiguous INTEGER NOT NULL DEFAULT 0,
        code TEXT,
        provider_message_id TEXT,
        updated_at INTEGER
      );
      CREATE UNIQUE INDEX deliveries_by_recipient ON deliveries (run, channel, subscriber_id);
      CREATE INDEX deliveries_by_queue ON deliveries (run, channel, status, id);
      CREATE INDEX deliveries_ambiguous ON deliveries (run, channel) WHERE ambiguous = 1;
    `,
  },
  {
    version: 2,
    description: 'delivery receipts, per-subscriber channel state',
    // Receipts are keyed by the provider's message id and do not reference the ledger: a fast
    // webhook can beat the batched ledger write. Channel state goes with an erased subscriber.
    sql: `
      CREATE TABLE receipts (
        channel TEXT NOT NULL,
        provider_message_id TEXT NOT NULL,
        rank INTEGER NOT NULL,
        status TEXT NOT NULL,
        at INTEGER NOT NULL,
        code TEXT,
        run_id TEXT,
        delivery_id TEXT,
        PRIMARY KEY (channel, provider_message_id)
      ) WITHOUT ROWID;
      CREATE INDEX receipts_by_run ON receipts (run_id, channel, status) WHERE run_id IS NOT NULL;

      CREATE TABLE subscriber_channel_state (
        subscriber_id INTEGER PRIMARY KEY,
        last_inbound_at INTEGER
      );
      CREATE TRIGGER subscriber_channel_state_on_erase AFTER UPDATE OF status ON subscribers
        WHEN NEW.status = 'erased'
        BEGIN
          DELETE FROM subscriber_channel_state WHERE subscriber_id = NEW.id;
          UPDATE receipts SET delivery_id = NULL
            WHERE delivery_id IN (SELECT CAST(id AS TEXT) FROM deliveries WHERE subscriber_id = NEW.id);
        END;
    `,
  },
];
