import type { SubscriberExport, SubscriberStore } from '@banditore/core';
import { parseRowId, toConsentEvent, toSubscriber, type ConsentRow } from './codec.js';
import type { StoreContext } from './context.js';
import { appendConsent, liveRow } from './subscribers.js';

/**
 * Data-subject operations: export everything held about a subscriber, and erase it.
 *
 * Erasure keeps the row as an anonymous tombstone (status `erased`, no address, no choices) so
 * delivery counts and the consent ledger still add up, and clears the provider's message ids
 * (which the provider could match with the number). PostgreSQL keeps the old row version in the
 * table file until `VACUUM` reclaims it, so with `vacuumAfterErase` (the default) the store runs
 * `VACUUM` on the subscribers table right after; a transaction that was open before the erasure
 * can still hold the old version, and WAL archives and base backups keep it until they rotate out.
 *
 * A subscriber's deliveries are found with one probe per run of the `(run, channel, subscriber_id)`
 * index (a comune sends thousands of runs in years, not millions): an index on the subscriber
 * alone would cost every planned delivery another index entry.
 *
 * @param ctx - The shared store context.
 * @param options - Whether to vacuum after an erasure.
 */
export function createPrivacyMethods(
  ctx: StoreContext,
  options: { vacuumAfterErase: boolean },
): Pick<SubscriberStore, 'exportSubscriber' | 'eraseSubscriber'> {
  const { s } = ctx;
  return {
    async exportSubscriber(id): Promise<SubscriberExport | undefined> {
      const rowId = parseRowId(id);
      if (rowId === undefined) return undefined;
      const row = await liveRow(ctx, ctx.db, rowId);
      if (!row) return undefined;
      const consent = (
        await ctx.query<ConsentRow>(`SELECT * FROM ${s}.consent_events WHERE subscriber_id = $1 ORDER BY seq`, [rowId])
      ).map(toConsentEvent);
      const deliveries: Record<string, number> = {};
      const counts = await ctx.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM ${s}.deliveries
         WHERE run = ANY(ARRAY(SELECT seq FROM ${s}.runs)) AND channel = $2 AND subscriber_id = $1 GROUP BY status`,
        [rowId, row.channel],
      );
      for (const { status, n } of counts) deliveries[status] = n;
      return { subscriber: toSubscriber(row), consent, deliveries };
    },

    async eraseSubscriber(id, consent): Promise<boolean> {
      const rowId = parseRowId(id);
      if (rowId === undefined) return false;
      const erased = await ctx.tx(async (db) => {
        const row = await liveRow(ctx, db, rowId, true);
        if (!row) return false;
        await db.query({
          text: `UPDATE ${s}.subscribers SET address = NULL, topics = '{}', areas = '{}', language = '', citizen_id = NULL,
                   last_inbound_at = NULL, status = 'erased', updated_at = $1 WHERE id = $2`,
          values: [ctx.now(), rowId],
        });
        await db.query({
          text: `UPDATE ${s}.deliveries SET provider_message_id = NULL
                 WHERE run = ANY(ARRAY(SELECT seq FROM ${s}.runs)) AND channel = $2 AND subscriber_id = $1
                   AND provider_message_id IS NOT NULL`,
          values: [rowId, row.channel],
        });
        await appendConsent(ctx, db, rowId, row.channel, 'erased', consent, null);
        return true;
      });
      if (erased && options.vacuumAfterErase) {
        // Best effort: without table ownership VACUUM only warns; autovacuum gets there later.
        await ctx.query(`VACUUM ${s}.subscribers`).catch(() => undefined);
      }
      return erased;
    },
  };
}
