import { ConfigError, type PriorSend, type PriorSendsPage, type RunStore } from '@banditore/core';
import { parseRowId } from './codec.js';
import { settleOnNextTurn, type StoreContext } from './context.js';

interface ThreadRun {
  seq: number;
  id: string;
  announcement_id: string;
  revision: number | null;
}

interface SentRow {
  subscriber_id: number;
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
  const threadRuns = (announcementIds: readonly string[], excludeRunId: string): ThreadRun[] =>
    ctx
      .statement(
        `SELECT seq, id, json_extract(announcement, '$.id') AS announcement_id,
           json_extract(announcement, '$.revision') AS revision
         FROM runs
         WHERE json_extract(announcement, '$.id') IN (SELECT value FROM json_each(?)) AND id <> ?
         ORDER BY created_at, seq`,
      )
      .all(JSON.stringify(announcementIds), excludeRunId) as ThreadRun[];

  return {
    priorSends(query): Promise<PriorSendsPage> {
      return settleOnNextTurn(() => {
        const { limit } = query;
        if (!Number.isInteger(limit) || limit < 1) {
          throw new ConfigError('Invalid priorSends limit: must be a positive integer', ['limit']);
        }
        const after = query.cursor === undefined ? 0 : parseRowId(query.cursor);
        if (after === undefined)
          throw new ConfigError('Invalid priorSends cursor: not one this store made', ['cursor']);
        const runs = threadRuns(query.announcementIds, query.excludeRunId);
        // Later runs overwrite earlier ones: the latest message each recipient has.
        const best = new Map<number, PriorSend>();
        let bound = Infinity;
        for (const run of runs) {
          let rows: SentRow[];
          if (query.subscriberIds !== undefined) {
            const ids = query.subscriberIds.map(parseRowId).filter((id): id is number => id !== undefined);
            rows = ctx
              .statement(
                `SELECT subscriber_id, provider_message_id FROM deliveries
                 WHERE run = ? AND channel = ? AND status = 'sent'
                   AND subscriber_id IN (SELECT value FROM json_each(?))`,
              )
              .all(run.seq, query.channel, JSON.stringify(ids)) as SentRow[];
          } else {
            rows = ctx
              .statement(
                `SELECT subscriber_id, provider_message_id FROM deliveries
                 WHERE run = ? AND channel = ? AND subscriber_id > ? AND status = 'sent'
                 ORDER BY subscriber_id LIMIT ?`,
              )
              .all(run.seq, query.channel, after, limit) as SentRow[];
            // A full page may have more beyond its last id: nothing past it is known yet.
            if (rows.length === limit) bound = Math.min(bound, rows.at(-1)!.subscriber_id);
          }
          for (const row of rows) {
            best.set(row.subscriber_id, {
              subscriberId: String(row.subscriber_id),
              runId: run.id,
              announcementId: run.announcement_id,
              revision: run.revision ?? 1,
              ...(row.provider_message_id === null ? {} : { providerMessageId: row.provider_message_id }),
            });
          }
        }
        const ids = [...best.keys()].filter((id) => id <= bound).sort((a, b) => a - b);
        const page = query.subscriberIds === undefined ? ids.slice(0, limit) : ids;
        const last = page.at(-1);
        return {
          sends: page.map((id) => best.get(id)!),
          next:
            query.subscriberIds === undefined && page.length === limit && last !== undefined ? String(last) : undefined,
        };
      });
    },
  };
}
