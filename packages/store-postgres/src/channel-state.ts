import type { ChannelStateStore, SubscriberChannelState } from '@banditore/core';
import { parseRowId } from './codec.js';
import type { StoreContext } from './context.js';

/**
 * Per-subscriber channel state: the last inbound message time lives on the subscriber's row, so
 * `channelState` is one lookup on the `(channel, address)` index, and erasure (which clears the
 * row) forgets it.
 *
 * @param ctx - The shared store context.
 */
export function createChannelStateMethods(ctx: StoreContext): ChannelStateStore {
  const { s } = ctx;
  return {
    async recordInbound(subscriberId, at) {
      const rowId = parseRowId(subscriberId);
      if (rowId === undefined) return false;
      const time = Number.isFinite(at) ? Math.round(at) : null;
      // Only forward: webhooks arrive late and twice.
      const rows = await ctx.query<{ id: string }>(
        `UPDATE ${s}.subscribers SET last_inbound_at = greatest(last_inbound_at, $2::bigint)
         WHERE id = $1 AND status <> 'erased' RETURNING id`,
        [rowId, time],
        'record-inbound',
      );
      return rows.length === 1;
    },

    async channelState(channel, address): Promise<SubscriberChannelState | undefined> {
      const rows = await ctx.query<{ id: string; last_inbound_at: string | null }>(
        `SELECT id, last_inbound_at FROM ${s}.subscribers WHERE channel = $1 AND address = $2`,
        [channel, address],
        'channel-state',
      );
      const row = rows[0];
      if (!row) return undefined;
      return {
        subscriberId: row.id,
        channel,
        lastInboundAt: row.last_inbound_at === null ? undefined : Number(row.last_inbound_at),
      };
    },
  };
}
