import {
  ConfigError,
  type SubscriberGuard,
  type ConsentKind,
  type ConsentRecord,
  type Subscriber,
  type SubscriberInput,
  type SubscriberStore,
} from '@banditore/core';
import { parseRowId, toConsentEvent, toSubscriber, type ConsentRow, type SubscriberRow } from './codec.js';
import type { Queryable, StoreContext } from './context.js';

type SubscriberMethods = Pick<
  SubscriberStore,
  'subscribe' | 'importSubscribers' | 'getSubscriber' | 'findSubscriber' | 'updateSubscriber' | 'listConsent'
>;

/** Rows per statement in an import: large enough to amortise the round trip, small enough for one message. */
const IMPORT_CHUNK = 5_000;

/**
 * Checks slugs before they reach SQL: an import passes them comma-joined, so a comma would split one.
 *
 * @throws ConfigError when a value is empty or holds a comma (slugs never do).
 */
export function checkSlugs(values: readonly string[], field: string): readonly string[] {
  for (const value of values) {
    if (typeof value !== 'string' || value.length === 0 || value.includes(',')) {
      throw new ConfigError(`Invalid ${field}: every entry must be a non-empty slug without commas`, [field]);
    }
  }
  return values;
}

/** Appends one consent event; the table's triggers refuse updates and deletes. */
export async function appendConsent(
  ctx: StoreContext,
  db: Queryable,
  subscriberId: string,
  channel: string,
  kind: ConsentKind,
  consent: ConsentRecord,
  topics: readonly string[] | null,
): Promise<void> {
  await db.query({
    text: `INSERT INTO ${ctx.s}.consent_events (subscriber_id, kind, at, channel, method, notice_version, topics)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    values: [subscriberId, kind, consent.at ?? ctx.now(), channel, consent.method, consent.noticeVersion, topics],
  });
}

/** Reads a live (not erased) subscriber row by id, optionally locking it for the transaction. */
export async function liveRow(
  ctx: StoreContext,
  db: Queryable,
  id: string,
  lock = false,
): Promise<SubscriberRow | undefined> {
  const { rows } = await db.query<SubscriberRow>({
    text: `SELECT * FROM ${ctx.s}.subscribers WHERE id = $1 AND status <> 'erased'${lock ? ' FOR UPDATE' : ''}`,
    values: [id],
  });
  return rows[0];
}

/** A unique violation names the address in its detail: replace it with a message that does not. */
function withoutAddress(error: unknown, channel: string): unknown {
  if ((error as { code?: string }).code !== '23505') return error;
  return new Error(`Another subscriber of channel "${channel}" already has the new address`, { cause: error });
}

/**
 * The subscriber half of the store: subscriptions, imports, updates and the consent ledger.
 * Subscriptions and imports are one statement each (upsert and consent event together).
 *
 * @param ctx - The shared store context.
 */
export function createSubscriberMethods(ctx: StoreContext, guard: SubscriberGuard): SubscriberMethods {
  const { s } = ctx;
  const upsertOne = `
    WITH up AS (
      INSERT INTO ${s}.subscribers AS t (channel, address, status, topics, areas, language, citizen_id, created_at, updated_at)
      VALUES ($1, $2, 'active', $3, $4, $5, $6, $7, $7)
      ON CONFLICT (channel, address) DO UPDATE SET topics = excluded.topics, areas = excluded.areas,
        language = excluded.language, citizen_id = coalesce(excluded.citizen_id, t.citizen_id),
        status = 'active', updated_at = excluded.updated_at
      RETURNING *
    ), consent AS (
      INSERT INTO ${s}.consent_events (subscriber_id, kind, at, channel, method, notice_version, topics)
      SELECT id, 'subscribed', $8, channel, $9, $10, topics FROM up
    )
    SELECT * FROM up`;
  // An import must not override a citizen's own withdrawal: only they can subscribe again.
  const upsertMany = `
    WITH input AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
        AS i(channel, address, topics, areas, language, citizen_id)
    ), up AS (
      INSERT INTO ${s}.subscribers AS t (channel, address, status, topics, areas, language, citizen_id, created_at, updated_at)
      SELECT channel, address, 'active', string_to_array(topics, ','), string_to_array(areas, ','), language, citizen_id, $7, $7
      FROM input
      ON CONFLICT (channel, address) DO UPDATE SET topics = excluded.topics, areas = excluded.areas,
        language = excluded.language, citizen_id = coalesce(excluded.citizen_id, t.citizen_id),
        updated_at = excluded.updated_at
      WHERE t.status <> 'unsubscribed'
      RETURNING id, channel, topics
    ), consent AS (
      INSERT INTO ${s}.consent_events (subscriber_id, kind, at, channel, method, notice_version, topics)
      SELECT id, 'subscribed', $8, channel, $9, $10, topics FROM up
    )
    SELECT count(*)::int AS n FROM up`;

  return {
    async subscribe(untrusted, untrustedConsent): Promise<Subscriber> {
      const input = guard.input(untrusted);
      const consent = guard.consent(untrustedConsent);
      const now = ctx.now();
      const rows = await ctx.query<SubscriberRow>(
        upsertOne,
        [
          input.channel,
          input.address,
          checkSlugs(input.topics, 'topics'),
          checkSlugs(input.areas, 'areas'),
          input.language,
          input.citizenId ?? null,
          now,
          consent.at ?? now,
          consent.method,
          consent.noticeVersion,
        ],
        'subscribe',
      );
      return toSubscriber(rows[0]!);
    },

    async importSubscribers(untrusted, untrustedConsent): Promise<number> {
      // Every row is checked before any is written: an import is all or nothing.
      const inputs = guard.inputs(untrusted);
      const consent = guard.consent(untrustedConsent);
      if (inputs.length === 0) return 0;
      // The same (channel, address) twice in one statement would be an error: the last one wins.
      const unique = new Map<string, SubscriberInput>();
      for (const input of inputs) unique.set(`${input.channel}\u0000${input.address}`, input);
      const rows = [...unique.values()];
      const now = ctx.now();
      return ctx.tx(async (db) => {
        let written = 0;
        for (let start = 0; start < rows.length; start += IMPORT_CHUNK) {
          const chunk = rows.slice(start, start + IMPORT_CHUNK);
          const result = await db.query<{ n: number }>({
            name: `${s}.import`,
            text: upsertMany,
            values: [
              chunk.map((row) => row.channel),
              chunk.map((row) => row.address),
              chunk.map((row) => checkSlugs(row.topics, 'topics').join(',')),
              chunk.map((row) => checkSlugs(row.areas, 'areas').join(',')),
              chunk.map((row) => row.language),
              chunk.map((row) => row.citizenId ?? null),
              now,
              consent.at ?? now,
              consent.method,
              consent.noticeVersion,
            ],
          });
          written += result.rows[0]?.n ?? 0;
        }
        return written;
      });
    },

    async getSubscriber(id) {
      const rowId = parseRowId(id);
      if (rowId === undefined) return undefined;
      const row = await liveRow(ctx, ctx.db, rowId);
      return row ? toSubscriber(row) : undefined;
    },

    async findSubscriber(channel, address) {
      const rows = await ctx.query<SubscriberRow>(
        `SELECT * FROM ${s}.subscribers WHERE channel = $1 AND address = $2`,
        [channel, address],
        'find',
      );
      return rows[0] ? toSubscriber(rows[0]) : undefined;
    },

    async updateSubscriber(id, untrustedPatch, untrustedConsent) {
      const rowId = parseRowId(id);
      if (rowId === undefined) return undefined;
      const consent = untrustedConsent === undefined ? undefined : guard.consent(untrustedConsent);
      const updated = await ctx.tx(async (db) => {
        const row = await liveRow(ctx, db, rowId, true);
        if (!row) return undefined;
        // The address rules are the subscriber's channel's, so the row is read first.
        const patch = guard.patch(row.channel, untrustedPatch);
        if (patch.topics !== undefined) checkSlugs(patch.topics, 'topics');
        if (patch.areas !== undefined) checkSlugs(patch.areas, 'areas');
        const topics = patch.topics ?? row.topics;
        const { rows } = await db
          .query<SubscriberRow>({
            text: `UPDATE ${s}.subscribers SET topics = $1, areas = $2, language = $3, status = $4, address = $5, updated_at = $6
                   WHERE id = $7 RETURNING *`,
            values: [
              topics,
              patch.areas ?? row.areas,
              patch.language ?? row.language,
              patch.status ?? row.status,
              patch.address ?? row.address,
              ctx.now(),
              rowId,
            ],
          })
          .catch((error: unknown) => {
            throw withoutAddress(error, row.channel);
          });
        if (consent) {
          if (patch.topics !== undefined)
            await appendConsent(ctx, db, rowId, row.channel, 'topics-changed', consent, topics);
          if (patch.status === 'unsubscribed' && row.status !== 'unsubscribed')
            await appendConsent(ctx, db, rowId, row.channel, 'unsubscribed', consent, null);
          if (patch.status === 'active' && row.status === 'unsubscribed')
            await appendConsent(ctx, db, rowId, row.channel, 'subscribed', consent, topics);
        }
        return rows[0];
      });
      return updated ? toSubscriber(updated) : undefined;
    },

    async listConsent(subscriberId) {
      const rowId = parseRowId(subscriberId);
      if (rowId === undefined) return [];
      const rows = await ctx.query<ConsentRow>(
        `SELECT * FROM ${s}.consent_events WHERE subscriber_id = $1 ORDER BY seq`,
        [rowId],
        'consent',
      );
      return rows.map(toConsentEvent);
    },
  };
}
