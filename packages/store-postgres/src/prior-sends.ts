import { ConfigError, type PriorSend, type PriorSendsPage, type RunStore } from '@banditore/core';
import { parseRowId } from './codec.js';
import type { StoreContext } from './context.js';

interface ThreadRun {
  seq: string;
  id: string;
  announcement_id: string;
  revision: number | null;
}

interface SentRow {
  subscriber_id: string;
  provider_message_id: string | null;
}

/**
 * The ledger's memory of who got an alert, for follow-ups. Each run of the thread is read on its
 * own `(run, channel, subscriber_id)` index range, a page at a time, and the runs are merged here:
 * a subscriber's row from the run created last wins. A page costs one range scan per run of the
 * thread (a handful), never a scan of the whole ledger.
 *
 * @param ctx - The shared store context.
 */
export function createPriorSendMethods(ctx: StoreContext): Pick<RunStore, 'priorSends'> {
  const { s } = ctx;
  return {
    async priorSends(query): Promise<PriorSendsPage> {
      const { limit } = query;
      if (!Number.isInteger(limit) || limit < 1) {
        throw new ConfigError('Invalid priorSends limit: must be a positive integer', ['limit']);
      }
      const after = query.cursor === undefined ? '0' : parseRowId(query.cursor);
      if (after === undefined) throw new ConfigError('Invalid priorSends cursor: not one this store made', ['cursor']);
      const runs = await ctx.query<ThreadRun>(
        `SELECT seq::text AS seq, id, announcement->>'id' AS announcement_id,
           (announcement->>'revision')::int AS revision
         FROM ${s}.runs WHERE announcement->>'id' = ANY($1::text[]) AND id <> $2
         ORDER BY created_at, seq`,
        [[...query.announcementIds], query.excludeRunId],
        'prior-sends-runs',
      );
      const wanted =
        query.subscriberIds === undefined
          ? undefined
          : query.subscriberIds.map(parseRowId).filter((id): id is string => id !== undefined);
      // Later runs overwrite earlier ones: the latest message each recipient has.
      const best = new Map<bigint, PriorSend>();
      let bound: bigint | undefined;
      for (const run of runs) {
        const rows =
          wanted === undefined
            ? await ctx.query<SentRow>(
                `SELECT subscriber_id::text AS subscriber_id, provider_message_id FROM ${s}.deliveries
                 WHERE run = $1 AND channel = $2 AND subscriber_id > $3 AND status = 'sent'
                 ORDER BY subscriber_id LIMIT $4`,
                [run.seq, query.channel, after, limit],
                'prior-sends-page',
              )
            : await ctx.query<SentRow>(
                `SELECT subscriber_id::text AS subscriber_id, provider_message_id FROM ${s}.deliveries
                 WHERE run = $1 AND channel = $2 AND subscriber_id = ANY($3::bigint[]) AND status = 'sent'`,
                [run.seq, query.channel, wanted],
                'prior-sends-batch',
              );
        if (wanted === undefined && rows.length === limit) {
          // A full page may have more beyond its last id: nothing past it is known yet.
          const last = BigInt(rows.at(-1)!.subscriber_id);
          if (bound === undefined || last < bound) bound = last;
        }
        for (const row of rows) {
          best.set(BigInt(row.subscriber_id), {
            subscriberId: row.subscriber_id,
            runId: run.id,
            announcementId: run.announcement_id,
            revision: run.revision ?? 1,
            ...(row.provider_message_id === null ? {} : { providerMessageId: row.provider_message_id }),
          });
        }
      }
      const ids = [...best.keys()]
        .filter((id) => bound === undefined || id <= bound)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const page = wanted === undefined ? ids.slice(0, limit) : ids;
      const last = page.at(-1);
      return {
        sends: page.map((id) => best.get(id)!),
        next: wanted === undefined && page.length === limit && last !== undefined ? String(last) : undefined,
      };
    },
  };
}
