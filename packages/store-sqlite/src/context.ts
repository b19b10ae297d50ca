import type { Database, Statement } from 'better-sqlite3';
import type { Clock, SubscriberGuard } from '@banditore/core';
import { toStoreFailure } from './errors.js';

/** What every part of the store shares: the connection, the clock, the input guard and a statement cache. */
export interface StoreContext {
  readonly db: Database;
  readonly clock: Clock;
  /** Validates subscribers, changes and consent records before they are written. */
  readonly guard: SubscriberGuard;
  /** The clock's time as an ISO string. */
  nowIso(): string;
  /** A prepared statement, compiled once per SQL text. */
  statement(sql: string): Statement;
}

/**
 * Builds the shared context.
 *
 * @param db - The open connection.
 * @param clock - Time source.
 * @param guard - The input validation.
 */
export function createContext(db: Database, clock: Clock, guard: SubscriberGuard): StoreContext {
  const cache = new Map<string, Statement>();
  return {
    db,
    clock,
    guard,
    nowIso: () => new Date(clock.now()).toISOString(),
    statement(sql) {
      let prepared = cache.get(sql);
      if (!prepared) {
        prepared = db.prepare(sql);
        cache.set(sql, prepared);
      }
      return prepared;
    },
  };
}

/**
 * Runs synchronous store work and hands back a promise: errors become rejections, as callers
 * of an async `Store` expect, instead of synchronous throws, and SQLite's errors become
 * `StoreError`s carrying their code (`SQLITE_FULL`, `SQLITE_BUSY`, …) so events can show it.
 *
 * @param work - The synchronous better-sqlite3 work.
 * @returns Its result as a promise.
 */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(toStoreFailure(error));
  }
}

/**
 * Like {@link settle}, but resolves on a later turn of the event loop. Used by the calls a
 * delivery loop makes once per batch (claims, audience pages): better-sqlite3 is synchronous, so
 * without this a fast channel and the store can chain promises for minutes without ever letting
 * timers run (lease renewals, ledger flushes) or letting the garbage collector finish its work.
 *
 * @param work - The synchronous better-sqlite3 work.
 * @returns Its result, after the current event-loop turn.
 */
export function settleOnNextTurn<T>(work: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    setImmediate(() => {
      try {
        resolve(work());
      } catch (error) {
        reject(toStoreFailure(error));
      }
    });
  });
}
