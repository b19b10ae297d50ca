import { afterEach, beforeEach } from 'vitest';
import { z } from 'zod';
import type { StoreChannel } from '../../store/subscriber-guard.js';
import type { Store } from '../../store/run-store.js';
import type { ConsentRecord } from '../../store/subscriber-store.js';
import type { AudienceQuery } from '../../domain/audience.js';
import type { Subscriber, SubscriberInput } from '../../domain/subscriber.js';
import type { NewRun } from '../../store/run-store.js';
import { sampleAnnouncement } from '../fixtures.js';
import { seededRandom } from '../measure.js';

export { seededRandom };

/** What an implementation hands to `describeStoreContract`: an empty store and how to remove it. */
export interface StoreContractSetup {
  store: Store;
  /** Called after `store.close()`, e.g. to delete a temporary file. */
  cleanup?: () => Promise<void>;
}

/**
 * The channels every contract store must be made with (its `channels` option): the suite's
 * usual channels accept any address the domain allows, and `digits` accepts only a positive
 * number without leading zeros, like a Telegram chat id, so the suite can check that a store
 * validates addresses with each channel's `addressSchema`.
 */
export interface StoreContractContext {
  channels: readonly StoreChannel[];
}

const anyAddress = z.string();

/** The channels handed to every contract setup. */
export const contractChannels: readonly StoreChannel[] = [
  { name: 'telegram', addressSchema: anyAddress },
  { name: 'whatsapp', addressSchema: anyAddress },
  { name: 'sms', addressSchema: anyAddress },
  { name: 'push', addressSchema: anyAddress },
  { name: 'digits', addressSchema: z.string().regex(/^[1-9][0-9]{0,15}$/) },
];

/** Gives each test a fresh store. `store` is valid inside tests only. */
export interface StoreHarness {
  readonly store: Store;
}

/**
 * Registers `beforeEach`/`afterEach` hooks that open a fresh store per test and close it after.
 *
 * @param setup - The implementation's factory.
 * @returns The harness whose `store` getter returns the current test's store.
 */
export function useStoreHarness(setup: (context: StoreContractContext) => Promise<StoreContractSetup>): StoreHarness {
  let current: StoreContractSetup | undefined;
  beforeEach(async () => {
    current = await setup({ channels: contractChannels });
  });
  afterEach(async () => {
    const done = current;
    current = undefined;
    if (!done) return;
    await done.store.close();
    await done.cleanup?.();
  });
  return {
    get store(): Store {
      if (!current) throw new Error('The store is only available inside a test');
      return current.store;
    },
  };
}

/** A consent record at a fixed time, so tests can compare it. */
export function consent(at = '2026-03-01T10:00:00.000Z', method: ConsentRecord['method'] = 'web-form'): ConsentRecord {
  return { method, noticeVersion: '2026-03', at };
}

/** A subscriber input with defaults filled in, as the zod schema would produce it. */
export function input(address: string, fields: Partial<Omit<SubscriberInput, 'address'>> = {}): SubscriberInput {
  return { channel: 'telegram', topics: [], areas: [], language: 'it', address, ...fields };
}

/** Subscribes `count` active telegram subscribers with distinct addresses; returns them in order. */
export async function subscribeMany(store: Store, count: number, prefix = 'addr'): Promise<Subscriber[]> {
  const result: Subscriber[] = [];
  for (let i = 0; i < count; i++) {
    result.push(await store.subscribe(input(`${prefix}-${i}`, { language: i % 3 === 0 ? 'en' : 'it' }), consent()));
  }
  return result;
}

let runCounter = 0;

/** A new run for `createRun`, with a unique id and idempotency key unless given. */
export function newRun(fields: Partial<NewRun> = {}): NewRun {
  runCounter++;
  const audience: AudienceQuery = { channel: 'telegram', topics: ['eventi'], areas: [], allTopics: false };
  return {
    id: `run-${runCounter}-${Math.random().toString(36).slice(2, 8)}`,
    idempotencyKey: `key-${runCounter}-${Math.random().toString(36).slice(2, 8)}`,
    announcement: sampleAnnouncement(),
    priority: 'normal',
    audiences: [audience],
    createdAt: Date.UTC(2026, 2, 1, 10, 0, 0) + runCounter,
    ...fields,
  };
}

/**
 * Reads a whole audience page by page, failing on runaway cursors.
 *
 * @returns Every member id in the order streamed, and how many pages it took.
 */
export async function drainAudience(
  store: Store,
  query: AudienceQuery,
  pageSize: number,
): Promise<{ ids: string[]; pages: number; oversized: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  let oversized = 0;
  do {
    const page = await store.audiencePage(query, cursor, pageSize);
    pages++;
    if (page.members.length > pageSize) oversized++;
    for (const member of page.members) ids.push(member.subscriberId);
    cursor = page.next;
    if (pages > 100_000) throw new Error('audiencePage never returned next: undefined');
  } while (cursor !== undefined);
  return { ids, pages, oversized };
}

/** Picks a random subset of `values` (possibly empty). */
export function subset<T>(random: () => number, values: readonly T[], chance = 0.35): T[] {
  return values.filter(() => random() < chance);
}
