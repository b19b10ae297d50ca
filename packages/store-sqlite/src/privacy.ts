import type { ConsentRecord, SubscriberExport, SubscriberStore } from '@banditore/core';
import { parseRowId, toConsentEvent, toSubscriber, type ConsentRow } from './codec.js';
import { settle, type StoreContext } from './context.js';
import { toStoreFailure } from './errors.js';
import { appendConsent, liveRow } from './subscribers.js';
import type { Wiper } from './wipe.js';

/**
 * Data-subject operations: export everything held about a subscriber, and erase it.
 *
 * Erasure keeps the row as an anonymous tombstone (status `erased`, no address, no choices) so
 * delivery counts and the consent ledger still add up. The freed bytes are zeroed
 * (`secure_delete`), and the call resolves only once a checkpoint has copied the erased pages
 * into the file and emptied the WAL, so no earlier copy of the address is left on disk; while
 * another connection's read still needs the old pages it waits (see {@link Wiper}).
 *
 * @param ctx - The shared store context.
 * @param wiper - Wipes old copies from the file and its WAL.
 */
export function createPrivacyMethods(
  ctx: StoreContext,
  wiper: Wiper,
): Pick<SubscriberStore, 'exportSubscriber' | 'eraseSubscriber'> {
  const erase = ctx.db.transaction((rowId: number, consent: ConsentRecord): boolean => {
    const row = liveRow(ctx, rowId);
    if (!row) return false;
    ctx
      .statement(
        `UPDATE subscribers SET address = NULL, topics = ',', areas = ',', language = '', citizen_id = NULL,
           status = 'erased', updated_at = ? WHERE id = ?`,
      )
      .run(ctx.nowIso(), rowId);
    // A provider's message id could be matched with the provider's own records of the number.
    ctx
      .statement(
        `UPDATE deliveries SET provider_message_id = NULL WHERE subscriber_id = ? AND provider_message_id IS NOT NULL`,
      )
      .run(rowId);
    appendConsent(ctx, rowId, row.channel, 'erased', consent, null);
    return true;
  });

  return {
    exportSubscriber(id): Promise<SubscriberExport | undefined> {
      return settle(() => {
        const rowId = parseRowId(id);
        const row = rowId === undefined ? undefined : liveRow(ctx, rowId);
        if (!row) return undefined;
        const consent = (
          ctx.statement(`SELECT * FROM consent_events WHERE subscriber_id = ? ORDER BY seq`).all(row.id) as ConsentRow[]
        ).map(toConsentEvent);
        const deliveries: Record<string, number> = {};
        const counts = ctx
          .statement(`SELECT status, count(*) AS n FROM deliveries WHERE subscriber_id = ? GROUP BY status`)
          .all(row.id) as { status: string; n: number }[];
        for (const { status, n } of counts) deliveries[status] = n;
        return { subscriber: toSubscriber(row), consent, deliveries };
      });
    },
    async eraseSubscriber(id, consent): Promise<boolean> {
      const erased = await settle(() => {
        const record = ctx.guard.consent(consent);
        const rowId = parseRowId(id);
        return rowId !== undefined && erase.immediate(rowId, record);
      });
      // Also after `false` when owed: calling again for an erased subscriber finishes a pending wipe.
      if (erased || wiper.pending) {
        await wiper.wipe().catch((error: unknown) => {
          throw toStoreFailure(error);
        });
      }
      return erased;
    },
  };
}
