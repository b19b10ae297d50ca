/**
 * The schema, as forward-only migrations. Never edit a released migration: add a new one.
 * Each step is a function of the schema name, so one server can hold one store per schema.
 *
 * Design notes (measured, see the package docs):
 * - Topics and areas are `text[]`; the audience filter is `cardinality(x) = 0 OR x && $n`, on a
 *   keyset scan of `(channel, status, id)`.
 * - Deliveries reference the run by its `bigint` seq, not its text id, to keep the ledger small.
 * - The delivery status is in no index (since version 3): claims follow a cursor per run and
 *   channel over the `(run, channel, subscriber_id)` index (see `claims.ts`), so a claim and an
 *   outcome update a row in place (HOT) in the room the table's fillfactor keeps on each page.
 *   Version 1's partial indexes on the status made every claim and outcome write three or four
 *   index entries.
 * - `claimed_by` holds the token of the store instance (one per process) that claimed a delivery,
 *   so a process that lost a run cannot release claims another process now holds.
 * - The consent ledger is append-only, enforced by triggers (row updates, deletes and TRUNCATE).
 */

/** One schema step. `sql(schema)` runs inside the migration transaction. */
export interface Migration {
  version: number;
  description: string;
  sql: (schema: string) => string;
}

/** Every migration of this package, in order. The last one's version is the current schema. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'subscribers, consent ledger, runs, delivery ledger',
    sql: (s) => `
      CREATE TABLE ${s}.subscribers (
        id bigserial PRIMARY KEY,
        channel text NOT NULL,
        address text,
        status text NOT NULL,
        topics text[] NOT NULL,
        areas text[] NOT NULL,
        language text NOT NULL,
        citizen_id text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE UNIQUE INDEX subscribers_by_address ON ${s}.subscribers (channel, address);
      CREATE INDEX subscribers_by_audience ON ${s}.subscribers (channel, status, id);

      CREATE TABLE ${s}.consent_events (
        seq bigserial PRIMARY KEY,
        subscriber_id bigint NOT NULL,
        kind text NOT NULL,
        at timestamptz NOT NULL,
        channel text NOT NULL,
        method text NOT NULL,
        notice_version text NOT NULL,
        topics text[]
      );
      CREATE INDEX consent_by_subscriber ON ${s}.consent_events (subscriber_id, seq);
      CREATE FUNCTION ${s}.consent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the consent ledger is append-only'; END $$;
      CREATE TRIGGER consent_events_no_change BEFORE UPDATE OR DELETE ON ${s}.consent_events
        FOR EACH ROW EXECUTE FUNCTION ${s}.consent_append_only();
      CREATE TRIGGER consent_events_no_truncate BEFORE TRUNCATE ON ${s}.consent_events
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.consent_append_only();

      CREATE TABLE ${s}.runs (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        idempotency_key text NOT NULL UNIQUE,
        announcement jsonb NOT NULL,
        priority text NOT NULL,
        audiences jsonb NOT NULL,
        status text NOT NULL,
        created_at bigint NOT NULL,
        finished_at bigint,
        lease_owner text,
        lease_expires_at bigint
      );
      CREATE INDEX runs_by_status ON ${s}.runs (status, created_at, seq);

      CREATE TABLE ${s}.run_plans (
        run bigint NOT NULL REFERENCES ${s}.runs (seq),
        channel text NOT NULL,
        cursor text,
        done boolean NOT NULL,
        PRIMARY KEY (run, channel)
      );

      CREATE TABLE ${s}.deliveries (
        id bigserial PRIMARY KEY,
        run bigint NOT NULL,
        channel text NOT NULL,
        subscriber_id bigint NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        ambiguous boolean NOT NULL DEFAULT false,
        code text,
        provider_message_id text,
        claimed_by text,
        updated_at bigint
      );
      CREATE UNIQUE INDEX deliveries_by_recipient ON ${s}.deliveries (run, channel, subscriber_id);
      CREATE INDEX deliveries_pending ON ${s}.deliveries (run, channel, id) WHERE status = 'pending';
      CREATE INDEX deliveries_claimed ON ${s}.deliveries (run, channel, id) WHERE status = 'claimed';
      CREATE INDEX deliveries_ambiguous ON ${s}.deliveries (run, channel) WHERE ambiguous;
      CREATE INDEX deliveries_by_subscriber ON ${s}.deliveries (subscriber_id);
    `,
  },
  {
    version: 2,
    description: 'delivery receipts, per-subscriber channel state',
    sql: (s) => `
      CREATE TABLE ${s}.receipts (
        channel text NOT NULL,
        provider_message_id text NOT NULL,
        status text NOT NULL,
        rank smallint NOT NULL,
        at bigint NOT NULL,
        code text,
        run_id text,
        delivery_id text,
        PRIMARY KEY (channel, provider_message_id)
      );
      CREATE INDEX receipts_by_run ON ${s}.receipts (run_id) WHERE run_id IS NOT NULL;

      ALTER TABLE ${s}.subscribers ADD COLUMN last_inbound_at bigint;
    `,
  },
  {
    version: 3,
    description: 'claim cursors instead of status indexes: claims and outcomes update the ledger in place',
    sql: (s) => `
      DROP INDEX ${s}.deliveries_pending;
      DROP INDEX ${s}.deliveries_claimed;
      -- Exports and erasures probe (run, channel, subscriber_id) once per run instead.
      DROP INDEX ${s}.deliveries_by_subscriber;
      -- Room on each page for the two new versions of a row (claim, outcome) until pruning.
      ALTER TABLE ${s}.deliveries SET (fillfactor = 50);

      -- Every change of a cursor bumps its version: a claim whose snapshot shows an older
      -- version than the one it locked knows its view of the ledger is stale (see claims.ts).
      CREATE TABLE ${s}.claim_cursors (
        run bigint NOT NULL,
        channel text NOT NULL,
        after bigint NOT NULL,
        version bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (run, channel)
      );
      -- Planning creates the cursor of each run and channel; those planned before, from the start.
      INSERT INTO ${s}.claim_cursors (run, channel, after) SELECT run, channel, 0 FROM ${s}.run_plans;
    `,
  },
];
