import type { ChannelStateStore } from '@banditore/core';
import { parseRowId } from './codec.js';
import { settle, type StoreContext } from './context.js';

/**
 * Per-subscriber channel state: the last inbound time, moved forward only. The lookup by
 * `(channel, address)` is one query on the unique address index, cheap enough to run per send.
 * Erasure removes the row (a trigger of migration 2).
 *
 * @param ctx - The shared store context.
 */
export function createChannelStateMethods(ctx: StoreContext): ChannelStateStore {
  return {
    recordInbound(subscriberId, at) {
      return settle(() => {
        const rowId = parseRowId(subscriberId);
        if (rowId === undefined || !Number.isFinite(at)) return false;
        const live = ctx.statement(`SELECT 1 FROM subscribers WHERE id = ? AND status != 'erased'`).pluck().get(rowId);
        if (live === undefined) return false;
        ctx
          .statement(
            `INSERT INTO subscriber_channel_state (subscriber_id, last_inbound_at) VALUES (?, ?)
             ON CONFLICT (subscriber_id) DO UPDATE SET last_inbound_at = excluded.last_inbound_at
             WHERE last_inbound_at IS NULL OR excluded.last_inbound_at > last_inbound_at`,
          )
          .run(rowId, Math.round(at));
        return true;
      });
    },
    channelState(channel, address) {
      return settle(() => {
        const row = ctx
          .statement(
            `SELECT s.id, c.last_inbound_at FROM subscribers s
             LEFT JOIN subscriber_channel_state c ON c.subscriber_id = s.id
             WHERE s.channel = ? AND s.address = ? AND s.status != 'erased'`,
          )
          .get(channel, address) as { id: number; last_inbound_at: number | null } | undefined;
        if (!row) return undefined;
        return { subscriberId: String(row.id), channel, lastInboundAt: row.last_inbound_at ?? undefined };
      });
    },
  };
}
