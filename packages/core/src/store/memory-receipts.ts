import { mergeReceipt } from './merge-receipt.js';
import { type ReceiptCounts, type ReceiptRecord, type ReceiptStore, type ReceiptStatus } from './receipt-store.js';

type Tally = Omit<ReceiptCounts, 'channel'>;

const emptyTally = (): Tally => ({ sent: 0, delivered: 0, read: 0, failed: 0, byCode: {} });

/** Adds `sign` (±1) for a message at `status` to a tally. */
function count(tally: Tally, status: ReceiptStatus, code: string | undefined, sign: 1 | -1): void {
  if (status === 'sent') tally.sent += sign;
  if (status === 'failed') {
    tally.failed += sign;
    if (code !== undefined) tally.byCode[code] = (tally.byCode[code] ?? 0) + sign;
  }
  if (status === 'delivered' || status === 'read') tally.delivered += sign;
  if (status === 'read') tally.read += sign;
}

/**
 * Delivery receipts in process memory, with per-run tallies kept up to date on every write so
 * `receiptCounts` never scans.
 *
 * @returns The receipt methods of the memory store.
 */
export function createMemoryReceiptMethods(): ReceiptStore {
  const records = new Map<string, ReceiptRecord>();
  const tallies = new Map<string, Map<string, Tally>>();
  const tallyOf = (runId: string, channel: string): Tally => {
    let byChannel = tallies.get(runId);
    if (!byChannel) tallies.set(runId, (byChannel = new Map<string, Tally>()));
    let tally = byChannel.get(channel);
    if (!tally) byChannel.set(channel, (tally = emptyTally()));
    return tally;
  };

  return {
    async recordReceipts(receipts) {
      let applied = 0;
      for (const receipt of receipts) {
        const key = `${receipt.channel}\u0000${receipt.providerMessageId}`;
        const current = records.get(key);
        const merged = mergeReceipt(current, receipt);
        if (!merged) continue;
        const { next, higher } = merged;
        if (current?.runId !== undefined)
          count(tallyOf(current.runId, current.channel), current.status, current.code, -1);
        records.set(key, next);
        if (next.runId !== undefined) count(tallyOf(next.runId, next.channel), next.status, next.code, 1);
        if (higher) applied++;
      }
      return { applied, ignored: receipts.length - applied };
    },
    async getReceipt(channel, providerMessageId) {
      const found = records.get(`${channel}\u0000${providerMessageId}`);
      return found && { ...found };
    },
    async receiptCounts(runId) {
      return [...(tallies.get(runId) ?? new Map<string, Tally>())].map(([channel, tally]) => ({
        channel,
        sent: tally.sent,
        delivered: tally.delivered,
        read: tally.read,
        failed: tally.failed,
        byCode: Object.fromEntries(Object.entries(tally.byCode).filter(([, n]) => n > 0)),
      }));
    },
  };
}
