import { ConfigError, type AudiencePage, type AudienceQuery, type SubscriberStore } from '@banditore/core';
import { parseRowId } from './codec.js';
import { settle, settleOnNextTurn, type StoreContext } from './context.js';

/**
 * The SQL form of {@link AudienceQuery}, matching `matchesAudience`: active, on the channel,
 * no topics or a shared topic (unless `allTopics`), the required topic (exercises) when there is
 * one, no areas or a shared area.
 *
 * Each slug becomes one `instr()` test against the delimited column. The statement text depends
 * only on how many topics and areas there are, so a handful of statements are compiled and reused.
 */
function audienceFilter(query: AudienceQuery): { where: string; params: string[] } {
  let where = `channel = ? AND status = 'active'`;
  const params: string[] = [query.channel];
  const topics = query.allTopics ? [] : [...new Set(query.topics)];
  if (!query.allTopics) {
    where += ` AND (topics = ','${topics.map(() => ' OR instr(topics, ?) > 0').join('')})`;
    params.push(...topics.map((topic) => `,${topic},`));
  }
  if (query.requiredTopic !== undefined) {
    where += ` AND instr(topics, ?) > 0`;
    params.push(`,${query.requiredTopic},`);
  }
  const areas = [...new Set(query.areas)];
  if (areas.length > 0) {
    where += ` AND (areas = ','${areas.map(() => ' OR instr(areas, ?) > 0').join('')})`;
    params.push(...areas.map((area) => `,${area},`));
  }
  return { where, params };
}

/**
 * Streaming audience queries: keyset pages on the `(channel, status, id)` index, never a full load.
 *
 * @param ctx - The shared store context.
 */
export function createAudienceMethods(ctx: StoreContext): Pick<SubscriberStore, 'countAudience' | 'audiencePage'> {
  return {
    countAudience(query): Promise<number> {
      return settle(() => {
        const { where, params } = audienceFilter(query);
        return ctx
          .statement(`SELECT count(*) FROM subscribers WHERE ${where}`)
          .pluck()
          .get(...params) as number;
      });
    },
    audiencePage(query, cursor, limit): Promise<AudiencePage> {
      return settleOnNextTurn(() => {
        if (!Number.isInteger(limit) || limit < 1) {
          throw new ConfigError('Invalid audiencePage limit: must be a positive integer', ['limit']);
        }
        const after = cursor === undefined ? 0 : parseRowId(cursor);
        if (after === undefined)
          throw new ConfigError('Invalid audiencePage cursor: not one this store made', ['cursor']);
        const { where, params } = audienceFilter(query);
        const ids = ctx
          .statement(`SELECT id FROM subscribers WHERE ${where} AND id > ? ORDER BY id LIMIT ?`)
          .pluck()
          .all(...params, after, limit) as number[];
        const last = ids.at(-1);
        return {
          members: ids.map((id) => ({ subscriberId: String(id) })),
          next: ids.length === limit && last !== undefined ? String(last) : undefined,
        };
      });
    },
  };
}
