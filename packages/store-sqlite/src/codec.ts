import { ConfigError, type ConsentEvent, type ConsentKind, type ConsentMethod, type Subscriber } from '@banditore/core';

/** A `subscribers` row as SQLite returns it. */
export interface SubscriberRow {
  id: number;
  channel: string;
  address: string | null;
  status: string;
  topics: string;
  areas: string;
  language: string;
  citizen_id: string | null;
  created_at: string;
  updated_at: string;
}

/** A `consent_events` row. */
export interface ConsentRow {
  subscriber_id: number;
  kind: string;
  at: string;
  channel: string;
  method: string;
  notice_version: string;
  topics: string | null;
}

/**
 * Encodes slugs as `,a,b,` (`,` when empty) so a membership test is one `instr()`.
 *
 * @param values - Topic or area slugs.
 * @param field - The field name for the error message.
 * @throws ConfigError when a value holds a comma (slugs never do).
 */
export function encodeList(values: readonly string[], field: string): string {
  for (const value of values) {
    if (value.length === 0 || value.includes(',')) {
      throw new ConfigError(`Invalid ${field}: every entry must be a non-empty slug without commas`, [field]);
    }
  }
  return values.length === 0 ? ',' : `,${values.join(',')},`;
}

/** Decodes {@link encodeList}. */
export function decodeList(encoded: string): string[] {
  return encoded.split(',').filter((value) => value.length > 0);
}

/**
 * Parses an opaque id handed back by a caller. Ids are the decimal row id; anything else is
 * simply unknown.
 *
 * @returns The row id, or `undefined` when the string cannot be one.
 */
export function parseRowId(id: string): number | undefined {
  if (!/^[1-9][0-9]{0,15}$/.test(id)) return undefined;
  const value = Number(id);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Maps a live (not erased) subscriber row to the domain type. */
export function toSubscriber(row: SubscriberRow): Subscriber {
  const subscriber: Subscriber = {
    id: String(row.id),
    channel: row.channel,
    address: row.address ?? '',
    topics: decodeList(row.topics),
    areas: decodeList(row.areas),
    language: row.language,
    status: row.status as Subscriber['status'],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.citizen_id !== null) subscriber.citizenId = row.citizen_id;
  return subscriber;
}

/** Maps a consent row to the domain type. */
export function toConsentEvent(row: ConsentRow): ConsentEvent {
  const event: ConsentEvent = {
    subscriberId: String(row.subscriber_id),
    kind: row.kind as ConsentKind,
    at: row.at,
    channel: row.channel,
    method: row.method as ConsentMethod,
    noticeVersion: row.notice_version,
  };
  if (row.topics !== null) event.topics = decodeList(row.topics);
  return event;
}
