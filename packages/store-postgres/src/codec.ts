import type { ConsentEvent, ConsentKind, ConsentMethod, Subscriber } from '@banditore/core';

/** A `subscribers` row as `pg` returns it. */
export interface SubscriberRow {
  id: string;
  channel: string;
  address: string | null;
  status: string;
  topics: string[];
  areas: string[];
  language: string;
  citizen_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A `consent_events` row. */
export interface ConsentRow {
  subscriber_id: string;
  kind: string;
  at: Date;
  channel: string;
  method: string;
  notice_version: string;
  topics: string[] | null;
}

/**
 * Parses an opaque id handed back by a caller. Ids are the decimal `bigserial`; anything else is
 * simply unknown (and never reaches SQL, where it would be a type error).
 *
 * @returns The id as a decimal string, or `undefined` when the string cannot be one.
 */
export function parseRowId(id: unknown): string | undefined {
  if (typeof id !== 'string' || !/^[1-9][0-9]{0,17}$/.test(id)) return undefined;
  return id;
}

/** Keeps the ids that can be this store's, as decimal strings for a `bigint[]` parameter. */
export function rowIds(ids: readonly string[]): string[] {
  const result: string[] = [];
  for (const id of ids) {
    const rowId = parseRowId(id);
    if (rowId !== undefined) result.push(rowId);
  }
  return result;
}

/**
 * The lower of two row ids. Both are canonical decimals (no leading zeros, as {@link parseRowId}
 * and the server write them): the shorter is lower, and of one length the lower as text.
 */
export function lowerRowId(a: string, b: string): string {
  if (a.length !== b.length) return a.length < b.length ? a : b;
  return a < b ? a : b;
}

/** Maps a live (not erased) subscriber row to the domain type. */
export function toSubscriber(row: SubscriberRow): Subscriber {
  const subscriber: Subscriber = {
    id: row.id,
    channel: row.channel,
    address: row.address ?? '',
    topics: row.topics,
    areas: row.areas,
    language: row.language,
    status: row.status as Subscriber['status'],
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
  if (row.citizen_id !== null) subscriber.citizenId = row.citizen_id;
  return subscriber;
}

/** Maps a consent row to the domain type. */
export function toConsentEvent(row: ConsentRow): ConsentEvent {
  const event: ConsentEvent = {
    subscriberId: row.subscriber_id,
    kind: row.kind as ConsentKind,
    at: row.at.toISOString(),
    channel: row.channel,
    method: row.method as ConsentMethod,
    noticeVersion: row.notice_version,
  };
  if (row.topics !== null) event.topics = row.topics;
  return event;
}
