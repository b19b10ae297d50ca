import type { ConsentEvent, ConsentKind, Subscriber } from '../domain/subscriber.js';
import type { Clock } from '../util/clock.js';
import { MemoryLedger } from './memory-ledger.js';
import type { RunRecord } from './run-store.js';
import type { SubscriberGuard } from './subscriber-guard.js';
import type { ConsentRecord } from './subscriber-store.js';

/** One run of the memory store: its record, a ledger per channel and its lease. */
export interface MemoryRun {
  record: RunRecord;
  ledgers: Map<string, MemoryLedger>;
  lease: { owner: string; expiresAt: number } | undefined;
}

/** Marks the row of an erased subscriber: its position (and so its id) is never reused. */
export const ERASED = Symbol('erased');

/** What every part of the memory store shares, as the SQLite store shares its connection. */
export interface MemoryState {
  readonly clock: Clock;
  readonly guard: SubscriberGuard;
  /** Subscribers by position; a subscriber's id is its 1-based position, so paging is an index walk. */
  readonly rows: Array<Subscriber | typeof ERASED>;
  /** Position by `channel\0address`. */
  readonly byAddress: Map<string, number>;
  /** Consent events by position. */
  readonly consent: Map<number, ConsentEvent[]>;
  readonly runs: Map<string, MemoryRun>;
  /** Run id by idempotency key. */
  readonly runsByKey: Map<string, string>;
}

/** Builds the empty shared state. */
export function createMemoryState(clock: Clock, guard: SubscriberGuard): MemoryState {
  return { clock, guard, rows: [], byAddress: new Map(), consent: new Map(), runs: new Map(), runsByKey: new Map() };
}

/** The `byAddress` key of a channel address. */
export const addressKey = (channel: string, address: string): string => `${channel}\u0000${address}`;

/** The consent record's time, or the clock's. */
export const consentTime = (state: MemoryState, record: ConsentRecord): string =>
  record.at ?? new Date(state.clock.now()).toISOString();

/** The position of a subscriber id, or -1 when the id cannot be one. */
export function positionOf(state: MemoryState, id: string): number {
  const position = Number(id) - 1;
  return Number.isInteger(position) && position >= 0 && position < state.rows.length ? position : -1;
}

/** The live (not erased) subscriber with this id. */
export function liveSubscriber(state: MemoryState, id: string): Subscriber | undefined {
  const row = state.rows[positionOf(state, id)];
  return row === undefined || row === ERASED ? undefined : row;
}

/** Appends one consent event; the list is never rewritten except by erasure. */
export function appendConsent(
  state: MemoryState,
  position: number,
  kind: ConsentKind,
  record: ConsentRecord,
  subscriber: Subscriber,
): void {
  const event: ConsentEvent = {
    subscriberId: subscriber.id,
    kind,
    at: consentTime(state, record),
    channel: subscriber.channel,
    method: record.method,
    noticeVersion: record.noticeVersion,
    ...(kind === 'subscribed' || kind === 'topics-changed' ? { topics: [...subscriber.topics] } : {}),
  };
  const list = state.consent.get(position);
  if (list) list.push(event);
  else state.consent.set(position, [event]);
}

/** A run by id; an unknown id is a programmer error. */
export function runState(state: MemoryState, runId: string): MemoryRun {
  const found = state.runs.get(runId);
  if (!found) throw new Error(`Unknown run ${runId}`);
  return found;
}
