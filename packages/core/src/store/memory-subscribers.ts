import type { Subscriber, SubscriberInput, SubscriberPatch } from '../domain/subscriber.js';
import {
  addressKey,
  appendConsent,
  consentTime,
  liveSubscriber,
  positionOf,
  ERASED,
  type MemoryState,
} from './memory-state.js';
import type { ConsentRecord, SubscriberStore } from './subscriber-store.js';

type SubscriberMethods = Pick<
  SubscriberStore,
  'subscribe' | 'importSubscribers' | 'getSubscriber' | 'findSubscriber' | 'updateSubscriber' | 'listConsent'
>;

/** Adds or updates; an import (`reactivate: false`) never undoes a citizen's own withdrawal. */
function upsert(
  state: MemoryState,
  input: SubscriberInput,
  record: ConsentRecord,
  reactivate: boolean,
): Subscriber | undefined {
  const at = consentTime(state, record);
  const existing = state.byAddress.get(addressKey(input.channel, input.address));
  const current = existing === undefined ? undefined : (state.rows[existing] as Subscriber);
  if (current && !reactivate && current.status === 'unsubscribed') return undefined;
  const base = {
    topics: [...input.topics],
    areas: [...input.areas],
    language: input.language,
    status: current && !reactivate ? current.status : ('active' as const),
  };
  let subscriber: Subscriber;
  let position: number;
  if (current && existing !== undefined) {
    position = existing;
    subscriber = { ...current, ...base, updatedAt: at };
  } else {
    position = state.rows.length;
    const { channel, address } = input;
    subscriber = { id: String(position + 1), channel, address, ...base, createdAt: at, updatedAt: at };
    state.byAddress.set(addressKey(channel, address), position);
  }
  if (input.citizenId !== undefined) subscriber.citizenId = input.citizenId;
  state.rows[position] = subscriber;
  appendConsent(state, position, 'subscribed', record, subscriber);
  return subscriber;
}

/** Moves a subscriber's `byAddress` entry, keeping one address per channel. */
function readdress(state: MemoryState, current: Subscriber, address: string, position: number): void {
  if (address === current.address) return;
  // As a unique index would; the message names the channel only: the address is personal data.
  if (state.byAddress.has(addressKey(current.channel, address)))
    throw new Error(`Another subscriber of channel "${current.channel}" already has the new address`);
  state.byAddress.delete(addressKey(current.channel, current.address));
  state.byAddress.set(addressKey(current.channel, address), position);
}

/**
 * The subscriber half of the memory store: subscriptions, updates and the consent ledger. Every
 * input passes the store's guard first, so nothing invalid is written.
 *
 * @param state - The memory store's shared state.
 * @returns The subscriber methods.
 */
export function createMemorySubscriberMethods(state: MemoryState): SubscriberMethods {
  const { guard } = state;
  return {
    async subscribe(input, record) {
      const subscriber = upsert(state, guard.input(input), guard.consent(record), true)!;
      return { ...subscriber };
    },
    async importSubscribers(inputs, record) {
      // Everything is checked before anything is written: an import is all or nothing.
      const valid = guard.inputs(inputs);
      const checked = guard.consent(record);
      let written = 0;
      for (const input of valid) if (upsert(state, input, checked, false)) written++;
      return written;
    },
    async getSubscriber(id) {
      const found = liveSubscriber(state, id);
      return found && { ...found };
    },
    async findSubscriber(channel, address) {
      const position = state.byAddress.get(addressKey(channel, address));
      const row = position === undefined ? undefined : state.rows[position];
      return row === undefined || row === ERASED ? undefined : { ...row };
    },
    async updateSubscriber(id, rawPatch: SubscriberPatch, rawRecord) {
      const current = liveSubscriber(state, id);
      if (!current) return undefined;
      const patch = guard.patch(current.channel, rawPatch);
      const record = rawRecord === undefined ? undefined : guard.consent(rawRecord);
      const position = positionOf(state, id);
      const at = record ? consentTime(state, record) : new Date(state.clock.now()).toISOString();
      const next: Subscriber = { ...current, ...patch, updatedAt: at };
      if (patch.address !== undefined) readdress(state, current, patch.address, position);
      state.rows[position] = next;
      if (record) {
        if (patch.status === 'unsubscribed') appendConsent(state, position, 'unsubscribed', record, next);
        else if (patch.status === 'active') appendConsent(state, position, 'subscribed', record, next);
        else if (patch.topics !== undefined) appendConsent(state, position, 'topics-changed', record, next);
      }
      return { ...next };
    },
    async listConsent(subscriberId) {
      return (state.consent.get(positionOf(state, subscriberId)) ?? []).map((event) => ({ ...event }));
    },
  };
}
