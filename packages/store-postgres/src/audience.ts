import { ConfigError, type AudiencePage, type AudienceQuery, type SubscriberStore } from '@banditore/core';
import { parseRowId } from './codec.js';
import type { StoreContext } from './context.js';

/**
 * The SQL form of {@link AudienceQuery}, matching `matchesAudience`: active, on the channel, no
 * topics or a shared topic (unless `allTopics`), the required topic (exercises) when there is
 * one, no areas or a shared area. One statement text for
 * every query, so it is planned once per connection; `&&` is array overlap.
 */
const FILTER = `channel = $1 AND status = 'active'
  AND ($2::boolean OR cardinality(topics) = 0 OR topics && $3::text[])
  AND (cardinality($4::text[]) = 0 OR cardinality(areas) = 0 OR areas && $4::text[])
  AND ($5::text IS NULL OR $5::text = ANY(topics))`;

function filterValues(query: AudienceQuery): unknown[] {
  return [
    query.channel,
    query.allTopics,
    [...new Set(query.topics)],
    [...new Set(query.areas)],
    query.requiredTopic ?? null,
  ];
}

/**
 * Streaming audience queries: keyset pages on the `(channel, status, id)` index, never a full
 * load and never an `OFFSET`.
 *
 * @param ctx - The shared store context.
 */
export function createAudienceMethods(ctx: StoreContext): Pick<SubscriberStore, 'countAudience' | 'audiencePage'> {
  const { s } = ctx;
  return {
    async countAudience(query): Promise<number> {
      const rows = await ctx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${s}.subscribers WHERE ${FILTER}`,
        filterValues(query),
        'count-audience',
      );
      return rows[0]?.n ?? 0;
    },

    async audiencePage(query, cursor, limit): Promise<AudiencePage> {
      if (!Number.isInteger(limit) || limit < 1) {
        throw new ConfigError('Invalid audiencePage limit: must be a positive integer', ['limit']);
      }
      const after = cursor === undefined ? '0' : parseRowId(cursor);
      if (after === undefined)
        throw new ConfigError('Invalid audiencePage cursor: not one this store made', ['cursor']);
      const rows = await ctx.query<{ id: string }>(
        `SELECT id FROM ${s}.subscribers WHERE ${FILTER} AND id > $6 ORDER BY id LIMIT $7`,
        [...filterValues(query), after, limit],
        'audience-page',
      );
      const last = rows.at(-1);
      return {
        members: rows.map((row) => ({ subscriberId: row.id })),
        next: rows.length === limit && last !== undefined ? last.id : undefined,
      };
    },
  };
}
