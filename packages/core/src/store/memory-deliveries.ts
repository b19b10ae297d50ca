import { MemoryLedger, STATUS_CODES } from './memory-ledger.js';
import { positionOf, runState, ERASED, type MemoryRun, type MemoryState } from './memory-state.js';
import { ConfigError } from '../errors.js';
import type { ClaimedDelivery, DeliveryCounts, DeliveryStatus, PriorSend, RunStore } from './run-store.js';

type DeliveryMethods = Pick<
  RunStore,
  | 'appendDeliveries'
  | 'claimDeliveries'
  | 'recordOutcomes'
  | 'releaseClaims'
  | 'closePending'
  | 'deliveryCounts'
  | 'priorSends'
>;

/** A run's ledger for one channel, made on first use. */
function ledgerOf(run: MemoryRun, channel: string): MemoryLedger {
  let found = run.ledgers.get(channel);
  if (!found) {
    found = new MemoryLedger();
    run.ledgers.set(channel, found);
  }
  return found;
}

// Delivery ids are `channel/index`, the index into that channel's ledger.
const parseDeliveryId = (deliveryId: string): number => Number(deliveryId.slice(deliveryId.lastIndexOf('/') + 1));

/** One channel ledger's counts in the shape every store reports. */
function countsOf(channel: string, ledger: MemoryLedger): DeliveryCounts {
  const byStatus = Object.fromEntries(STATUS_CODES.map((status, index) => [status, ledger.counts[index]!])) as Record<
    DeliveryStatus,
    number
  >;
  const byCode: Record<string, number> = {};
  for (const code of ledger.codes.values()) byCode[code] = (byCode[code] ?? 0) + 1;
  return { channel, byStatus, byCode, ambiguous: ledger.ambiguousCount };
}

/**
 * The delivery ledger of the memory store: planned deliveries, claims, outcomes and counts, one
 * {@link MemoryLedger} per run and channel. The address is joined in at claim time.
 *
 * @param state - The memory store's shared state.
 * @param keepMessageIds - Whether to keep provider message ids of sent deliveries (for follow-ups).
 * @returns The ledger methods.
 */
export function createMemoryDeliveryMethods(state: MemoryState, keepMessageIds = false): DeliveryMethods {
  return {
    async appendDeliveries(runId, channel, subscriberIds, progress) {
      const run = runState(state, runId);
      const ledger = ledgerOf(run, channel);
      for (const id of subscriberIds) {
        const position = positionOf(state, id);
        if (position >= 0) ledger.append(position);
      }
      run.record.plan[channel] = { ...progress };
    },
    async claimDeliveries(runId, channel, limit) {
      const ledger = ledgerOf(runState(state, runId), channel);
      return ledger.claim(limit).map((index): ClaimedDelivery => {
        const position = ledger.subscriberAt(index);
        const row = state.rows[position];
        const erased = row === undefined || row === ERASED;
        return {
          deliveryId: `${channel}/${index}`,
          subscriberId: String(position + 1),
          address: erased ? '' : row.address,
          language: erased ? 'it' : row.language,
          subscriberStatus: erased ? 'erased' : row.status,
          attempts: ledger.attemptsAt(index),
        };
      });
    },
    async recordOutcomes(outcomes) {
      for (const outcome of outcomes) {
        state.runs
          .get(outcome.runId)
          ?.ledgers.get(outcome.channel)
          ?.record(
            parseDeliveryId(outcome.deliveryId),
            outcome.status,
            outcome.attempts,
            outcome.code,
            keepMessageIds ? outcome.providerMessageId : undefined,
          );
      }
    },
    async releaseClaims(runId, options) {
      let moved = 0;
      for (const [channel, ledger] of runState(state, runId).ledgers) {
        if (options.channel !== undefined && options.channel !== channel) continue;
        const indices = options.deliveryIds?.filter((id) => id.startsWith(`${channel}/`)).map(parseDeliveryId);
        moved += ledger.release(indices, options.ambiguous);
      }
      return moved;
    },
    async closePending(runId, status, code, _at, channel) {
      let closed = 0;
      for (const [name, ledger] of runState(state, runId).ledgers) {
        if (channel === undefined || channel === name) closed += ledger.closePending(status, code);
      }
      return closed;
    },
    async deliveryCounts(runId) {
      return [...runState(state, runId).ledgers].map(([channel, ledger]) => countsOf(channel, ledger));
    },
    async priorSends(query) {
      if (!Number.isInteger(query.limit) || query.limit < 1)
        throw new ConfigError('Invalid priorSends limit: must be a positive integer', ['limit']);
      const after = query.cursor === undefined ? -1 : Number(query.cursor);
      if (!Number.isInteger(after))
        throw new ConfigError('Invalid priorSends cursor: not one this store made', ['cursor']);
      const only =
        query.subscriberIds === undefined ? undefined : new Set(query.subscriberIds.map((id) => positionOf(state, id)));
      const latest = new Map<number, PriorSend>();
      // Runs are kept in creation order: a later run's send replaces an earlier one's.
      for (const run of state.runs.values()) {
        const { record } = run;
        if (record.id === query.excludeRunId || !query.announcementIds.includes(record.announcement.id)) continue;
        const ledger = run.ledgers.get(query.channel);
        ledger?.forEachSent((position, index) => {
          if (position <= after || (only !== undefined && !only.has(position))) return;
          const messageId = ledger.messageIds.get(index);
          latest.set(position, {
            subscriberId: String(position + 1),
            runId: record.id,
            announcementId: record.announcement.id,
            revision: record.announcement.revision,
            ...(messageId === undefined ? {} : { providerMessageId: messageId }),
          });
        });
      }
      const positions = [...latest.keys()].sort((a, b) => a - b);
      const page = positions.slice(0, query.limit);
      const last = page.at(-1);
      return {
        sends: page.map((position) => latest.get(position)!),
        next: positions.length > query.limit && last !== undefined ? String(last) : undefined,
      };
    },
  };
}
