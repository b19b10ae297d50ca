import { matchesAudience, type AudienceQuery } from '../domain/audience.js';
import type { ConsentEvent, ConsentKind, Subscriber, SubscriberInput, SubscriberPatch } from '../domain/subscriber.js';
import { systemClock, type Clock } from '../util/clock.js';
import { MemoryLedger, STATUS_CODES } from './memory-ledger.js';
import { createMemoryChannelStateMethods } from './memory-channel-state.js';
import { createMemoryReceiptMethods } from './memory-receipts.js';
import type {
  ClaimedDelivery,
  DeliveryCounts,
  DeliveryOutcome,
  DeliveryStatus,
  NewRun,
  PlanProgress,
  RunRecord,
  RunStatus,
  Store,
} from './run-store.js';
import type { ConsentRecord, SubscriberExport } from './subscriber-store.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Time source for consent events without their own time. @defaultValue the system clock */
  clock?: Clock;
}

interface RunState {
  record: RunRecord;
  ledgers: Map<string, MemoryLedger>;
  lease: { owner: string; expiresAt: number } | undefined;
}

const ERASED = Symbol('erased');

/**
 * A complete {@link Store} in process memory: for tests, benchmarks and trying things out.
 * Nothing survives a restart; use `@banditore/store-sqlite` in production.
 *
 * @param options - Clock.
 * @returns The store.
 * @example
 * ```ts
 * const store = createMemoryStore()
 * await store.subscribe({ channel: 'telegram', address: '42', topics: ['meteo'], areas: [], language: 'it' }, consent)
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const clock = options.clock ?? systemClock;
  // Subscriber ids are 1-based positions, so keyset paging is a plain index walk.
  const rows: Array<Subscriber | typeof ERASED> = [];
  const byAddress = new Map<string, number>();
  const consent = new Map<number, ConsentEvent[]>();
  const runs = new Map<string, RunState>();
  const runsByKey = new Map<string, string>();

  const key = (channel: string, address: string): string => `${channel}\u0000${address}`;
  const iso = (record: ConsentRecord): string => record.at ?? new Date(clock.now()).toISOString();
  const positionOf = (id: string): number => {
    const position = Number(id) - 1;
    return Number.isInteger(position) && position >= 0 && position < rows.length ? position : -1;
  };
  const live = (id: string): Subscriber | undefined => {
    const row = rows[positionOf(id)];
    return row === undefined || row === ERASED ? undefined : row;
  };
  const appendConsent = (position: number, kind: ConsentKind, record: ConsentRecord, subscriber: Subscriber): void => {
    const event: ConsentEvent = {
      subscriberId: subscriber.id,
      kind,
      at: iso(record),
      channel: subscriber.channel,
      method: record.method,
      noticeVersion: record.noticeVersion,
      ...(kind === 'subscribed' || kind === 'topics-changed' ? { topics: [...subscriber.topics] } : {}),
    };
    const list = consent.get(position);
    if (list) list.push(event);
    else consent.set(position, [event]);
  };
  /** Adds or updates; an import (`reactivate: false`) never undoes a citizen's own withdrawal. */
  const upsert = (input: SubscriberInput, record: ConsentRecord, reactivate: boolean): Subscriber | undefined => {
    const at = iso(record);
    const existing = byAddress.get(key(input.channel, input.address));
    const current = existing === undefined ? undefined : (rows[existing] as Subscriber);
    if (current && !reactivate && current.status === 'unsubscribed') return undefined;
    const base = {
      topics: [...input.topics],
      areas: [...input.areas],
      language: input.language,
      status: current && !reactivate ? current.status : ('active' as const),
    };
    let subscriber: Subscriber;
    if (existing !== undefined) {
      subscriber = { ...current!, ...base, updatedAt: at };
      if (input.citizenId !== undefined) subscriber.citizenId = input.citizenId;
      rows[existing] = subscriber;
      appendConsent(existing, 'subscribed', record, subscriber);
    } else {
      const position = rows.length;
      subscriber = {
        id: String(position + 1),
        channel: input.channel,
        address: input.address,
        ...base,
        createdAt: at,
        updatedAt: at,
      };
      if (input.citizenId !== undefined) subscriber.citizenId = input.citizenId;
      rows.push(subscriber);
      byAddress.set(key(input.channel, input.address), position);
      appendConsent(position, 'subscribed', record, subscriber);
    }
    return subscriber;
  };
  const runState = (runId: string): RunState => {
    const state = runs.get(runId);
    if (!state) throw new Error(`Unknown run ${runId}`);
    return state;
  };
  const ledger = (state: RunState, channel: string): MemoryLedger => {
    let found = state.ledgers.get(channel);
    if (!found) {
      found = new MemoryLedger();
      state.ledgers.set(channel, found);
    }
    return found;
  };
  const parseDeliveryId = (deliveryId: string): number => Number(deliveryId.slice(deliveryId.lastIndexOf('/') + 1));
  const copyRun = (record: RunRecord): RunRecord => ({ ...record, plan: structuredClone(record.plan) });

  return {
    async subscribe(input, record) {
      return { ...upsert(input, record, true)! };
    },
    async importSubscribers(inputs, record) {
      let written = 0;
      for (const input of inputs) if (upsert(input, record, false)) written++;
      return written;
    },
    async getSubscriber(id) {
      const found = live(id);
      return found && { ...found };
    },
    async findSubscriber(channel, address) {
      const position = byAddress.get(key(channel, address));
      const row = position === undefined ? undefined : rows[position];
      return row === undefined || row === ERASED ? undefined : { ...row };
    },
    async updateSubscriber(id, patch: SubscriberPatch, record) {
      const current = live(id);
      if (!current) return undefined;
      const position = positionOf(id);
      const at = record ? iso(record) : new Date(clock.now()).toISOString();
      const next: Subscriber = { ...current, ...patch, updatedAt: at };
      if (patch.address !== undefined && patch.address !== current.address) {
        // One address, one subscriber per channel (as a unique index would enforce). The message
        // names the channel only: the address is personal data.
        if (byAddress.has(key(current.channel, patch.address)))
          throw new Error(`Another subscriber of channel "${current.channel}" already has the new address`);
        byAddress.delete(key(current.channel, current.address));
        byAddress.set(key(current.channel, patch.address), position);
      }
      rows[position] = next;
      if (record) {
        if (patch.status === 'unsubscribed') appendConsent(position, 'unsubscribed', record, next);
        else if (patch.status === 'active') appendConsent(position, 'subscribed', record, next);
        else if (patch.topics !== undefined) appendConsent(position, 'topics-changed', record, next);
      }
      return { ...next };
    },
    async listConsent(subscriberId) {
      return (consent.get(positionOf(subscriberId)) ?? []).map((event) => ({ ...event }));
    },
    async countAudience(query: AudienceQuery) {
      let count = 0;
      for (const row of rows) if (row !== ERASED && matchesAudience(row, query)) count++;
      return count;
    },
    async audiencePage(query, cursor, limit) {
      const members: Array<{ subscriberId: string }> = [];
      let position = cursor === undefined ? 0 : Number(cursor);
      while (position < rows.length && members.length < limit) {
        const row = rows[position++]!;
        if (row !== ERASED && matchesAudience(row, query)) members.push({ subscriberId: row.id });
      }
      return { members, next: position < rows.length ? String(position) : undefined };
    },
    async exportSubscriber(id): Promise<SubscriberExport | undefined> {
      const subscriber = live(id);
      if (!subscriber) return undefined;
      const position = positionOf(id);
      const deliveries: Record<string, number> = {};
      for (const state of runs.values()) {
        for (const channelLedger of state.ledgers.values()) {
          for (let index = 0; index < channelLedger.length; index++) {
            if (channelLedger.subscriberAt(index) !== position) continue;
            const status = channelLedger.statusAt(index);
            deliveries[status] = (deliveries[status] ?? 0) + 1;
          }
        }
      }
      return {
        subscriber: { ...subscriber },
        consent: (consent.get(position) ?? []).map((e) => ({ ...e })),
        deliveries,
      };
    },
    async eraseSubscriber(id, record) {
      const subscriber = live(id);
      if (!subscriber) return false;
      const position = positionOf(id);
      byAddress.delete(key(subscriber.channel, subscriber.address));
      rows[position] = ERASED;
      const kept = (consent.get(position) ?? []).map((event) => {
        const { topics: _dropped, ...rest } = event;
        return rest;
      });
      kept.push({
        subscriberId: id,
        kind: 'erased',
        at: iso(record),
        channel: subscriber.channel,
        method: record.method,
        noticeVersion: record.noticeVersion,
      });
      consent.set(position, kept);
      return true;
    },

    async createRun(run: NewRun) {
      const existing = runsByKey.get(run.idempotencyKey);
      if (existing !== undefined) return { run: copyRun(runState(existing).record), created: false };
      const plan: Record<string, PlanProgress> = {};
      for (const audience of run.audiences) plan[audience.channel] = { cursor: undefined, done: false };
      const record: RunRecord = { ...run, status: 'active', plan, finishedAt: undefined };
      runs.set(run.id, { record, ledgers: new Map(), lease: undefined });
      runsByKey.set(run.idempotencyKey, run.id);
      return { run: copyRun(record), created: true };
    },
    async getRun(id) {
      const state = runs.get(id);
      return state && copyRun(state.record);
    },
    async listActiveRuns() {
      return [...runs.values()]
        .filter((state) => state.record.status === 'active')
        .sort((a, b) => a.record.createdAt - b.record.createdAt)
        .map((state) => copyRun(state.record));
    },
    async setRunStatus(id, status: RunStatus, at) {
      const { record } = runState(id);
      record.status = status;
      record.finishedAt = status === 'active' ? undefined : at;
    },
    async appendDeliveries(runId, channel, subscriberIds, progress) {
      const state = runState(runId);
      const channelLedger = ledger(state, channel);
      for (const id of subscriberIds) {
        const position = positionOf(id);
        if (position >= 0) channelLedger.append(position);
      }
      state.record.plan[channel] = { ...progress };
    },
    async claimDeliveries(runId, channel, limit) {
      const state = runState(runId);
      const channelLedger = ledger(state, channel);
      return channelLedger.claim(limit).map((index): ClaimedDelivery => {
        const position = channelLedger.subscriberAt(index);
        const row = rows[position];
        const erased = row === undefined || row === ERASED;
        return {
          deliveryId: `${channel}/${index}`,
          subscriberId: String(position + 1),
          address: erased ? '' : row.address,
          language: erased ? 'it' : row.language,
          subscriberStatus: erased ? 'erased' : row.status,
          attempts: channelLedger.attemptsAt(index),
        };
      });
    },
    async recordOutcomes(outcomes: readonly DeliveryOutcome[]) {
      for (const outcome of outcomes) {
        const state = runs.get(outcome.runId);
        state?.ledgers
          .get(outcome.channel)
          ?.record(parseDeliveryId(outcome.deliveryId), outcome.status, outcome.attempts, outcome.code);
      }
    },
    async releaseClaims(runId, options) {
      const state = runState(runId);
      let moved = 0;
      for (const [channel, channelLedger] of state.ledgers) {
        if (options.channel !== undefined && options.channel !== channel) continue;
        const indices = options.deliveryIds?.filter((id) => id.startsWith(`${channel}/`)).map(parseDeliveryId);
        moved += channelLedger.release(indices, options.ambiguous);
      }
      return moved;
    },
    async closePending(runId, status, code, _at, channel) {
      const state = runState(runId);
      let closed = 0;
      for (const [name, channelLedger] of state.ledgers) {
        if (channel === undefined || channel === name) closed += channelLedger.closePending(status, code);
      }
      return closed;
    },
    async deliveryCounts(runId): Promise<DeliveryCounts[]> {
      const state = runState(runId);
      return [...state.ledgers].map(([channel, channelLedger]) => {
        const byStatus = Object.fromEntries(
          STATUS_CODES.map((status, index) => [status, channelLedger.counts[index]!]),
        ) as Record<DeliveryStatus, number>;
        const byCode: Record<string, number> = {};
        for (const code of channelLedger.codes.values()) byCode[code] = (byCode[code] ?? 0) + 1;
        return { channel, byStatus, byCode, ambiguous: channelLedger.ambiguousCount };
      });
    },
    async acquireLease(runId, owner, ttlMs, now) {
      const state = runState(runId);
      if (state.lease && state.lease.owner !== owner && state.lease.expiresAt > now) return false;
      state.lease = { owner, expiresAt: now + ttlMs };
      return true;
    },
    async releaseLease(runId, owner) {
      const state = runs.get(runId);
      if (state?.lease?.owner === owner) state.lease = undefined;
    },
    ...createMemoryReceiptMethods(),
    ...createMemoryChannelStateMethods({
      exists: (id) => live(id) !== undefined,
      idOf: (channel, address) => {
        const position = byAddress.get(key(channel, address));
        return position === undefined ? undefined : String(position + 1);
      },
    }),
    async close() {
      runs.clear();
    },
  };
}
