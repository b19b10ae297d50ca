import { describe, expect, it } from 'vitest';
import type { DeliveryReceipt, ReceiptStatus } from '../../store/receipt-store.js';
import { seededRandom, type StoreHarness } from './harness.js';

const T0 = Date.UTC(2026, 2, 1, 10, 0, 0);

/** A receipt of message `id` of run `run-r` on the whatsapp channel (`runId: undefined` for none). */
function receipt(
  id: string,
  status: ReceiptStatus,
  fields: Omit<Partial<DeliveryReceipt>, 'runId'> & { runId?: string | undefined } = {},
): DeliveryReceipt {
  const { runId = 'run-r', ...rest } =
    'runId' in fields && fields.runId === undefined ? { ...fields, runId: '' } : fields;
  const made: DeliveryReceipt = { channel: 'whatsapp', providerMessageId: id, status, at: T0, ...rest };
  if (runId !== '') made.runId = runId;
  return made;
}

/**
 * Delivery receipts: monotonic by provider message id (out of order, duplicated, batched,
 * failures that arrive after acceptance), counted per run and channel.
 */
export function describeReceiptContract(harness: StoreHarness): void {
  describe('delivery receipts', () => {
    it('keeps the highest status whatever the arrival order', async () => {
      const { store } = harness;
      await store.recordReceipts([receipt('wamid.A', 'read', { at: T0 + 3_000 })]);
      const late = await store.recordReceipts([
        receipt('wamid.A', 'delivered', { at: T0 + 2_000 }),
        receipt('wamid.A', 'sent', { at: T0 + 1_000 }),
      ]);
      expect(late).toEqual({ applied: 0, ignored: 2 });
      expect(await store.getReceipt('whatsapp', 'wamid.A')).toMatchObject({ status: 'read', at: T0 + 3_000 });
    });

    it('moves sent → delivered → read and ignores exact duplicates', async () => {
      const { store } = harness;
      expect(await store.recordReceipts([receipt('wamid.B', 'sent')])).toEqual({ applied: 1, ignored: 0 });
      expect(await store.recordReceipts([receipt('wamid.B', 'sent')])).toEqual({ applied: 0, ignored: 1 });
      await store.recordReceipts([receipt('wamid.B', 'delivered', { at: T0 + 1 })]);
      expect((await store.getReceipt('whatsapp', 'wamid.B'))?.status).toBe('delivered');
      await store.recordReceipts([receipt('wamid.B', 'read', { at: T0 + 2 })]);
      expect((await store.getReceipt('whatsapp', 'wamid.B'))?.status).toBe('read');
    });

    it('records an asynchronous failure with its code, and lets a later delivery win', async () => {
      const { store } = harness;
      await store.recordReceipts([receipt('wamid.C', 'sent'), receipt('wamid.C', 'failed', { code: '131026' })]);
      expect(await store.getReceipt('whatsapp', 'wamid.C')).toMatchObject({ status: 'failed', code: '131026' });
      expect((await store.receiptCounts('run-r'))[0]).toMatchObject({ failed: 1, byCode: { '131026': 1 } });
      // The provider retried and the phone came back: delivered outranks failed.
      await store.recordReceipts([receipt('wamid.C', 'delivered', { at: T0 + 60_000 })]);
      expect((await store.getReceipt('whatsapp', 'wamid.C'))?.status).toBe('delivered');
      const [counts] = await store.receiptCounts('run-r');
      expect(counts).toMatchObject({ failed: 0, delivered: 1 });
      expect(counts?.byCode['131026'] ?? 0).toBe(0);
      // And a failure arriving after the delivery changes nothing.
      expect(await store.recordReceipts([receipt('wamid.C', 'failed', { code: '131049' })])).toEqual({
        applied: 0,
        ignored: 1,
      });
    });

    it('counts per run and channel: delivered includes read, each message once', async () => {
      const { store } = harness;
      await store.recordReceipts([
        receipt('m1', 'sent'),
        receipt('m2', 'delivered'),
        receipt('m3', 'read'), // delivered skipped, as WhatsApp does when read at once
        receipt('m4', 'failed', { code: '131050' }),
        receipt('m5', 'failed', { code: '131049' }),
        receipt('m2', 'read'),
        receipt('m2', 'delivered'),
        receipt('x1', 'delivered', { runId: 'other-run' }),
        receipt('x2', 'delivered', { runId: undefined }),
        receipt('t1', 'delivered', { channel: 'push' }),
      ]);
      const counts = await store.receiptCounts('run-r');
      const whatsapp = counts.find((entry) => entry.channel === 'whatsapp');
      expect(whatsapp).toEqual({
        channel: 'whatsapp',
        sent: 1,
        delivered: 2,
        read: 2,
        failed: 2,
        byCode: { '131050': 1, '131049': 1 },
      });
      expect(counts.find((entry) => entry.channel === 'push')).toMatchObject({ delivered: 1, read: 0 });
      expect(await store.receiptCounts('no-such-run')).toEqual([]);
    });

    it('learns the run from a later receipt and keeps the status from an earlier one', async () => {
      const { store } = harness;
      await store.recordReceipts([receipt('wamid.D', 'read', { runId: undefined })]);
      expect(await store.receiptCounts('run-r')).toEqual([]);
      const result = await store.recordReceipts([receipt('wamid.D', 'sent', { deliveryId: 'd-7' })]);
      expect(result.applied).toBe(0);
      expect(await store.getReceipt('whatsapp', 'wamid.D')).toMatchObject({
        status: 'read',
        runId: 'run-r',
        deliveryId: 'd-7',
      });
      expect((await store.receiptCounts('run-r'))[0]).toMatchObject({ delivered: 1, read: 1 });
    });

    it('ends in the same state for any order of a seeded shuffle of duplicated receipts', async () => {
      const { store } = harness;
      const seed = 20261206;
      const random = seededRandom(seed);
      const finals: ReceiptStatus[] = ['sent', 'failed', 'delivered', 'read'];
      const batch: DeliveryReceipt[] = [];
      const expected = new Map<string, ReceiptStatus>();
      for (let message = 0; message < 200; message++) {
        const id = `wamid.shuffle-${message}`;
        const final = finals[Math.floor(random() * finals.length)]!;
        expected.set(id, final);
        const path: ReceiptStatus[] =
          final === 'failed'
            ? ['sent', 'failed']
            : finals.slice(0, finals.indexOf(final) + 1).filter((s) => s !== 'failed');
        for (const status of path) {
          const copies = 1 + Math.floor(random() * 3);
          for (let copy = 0; copy < copies; copy++)
            batch.push(receipt(id, status, status === 'failed' ? { code: '131026' } : {}));
        }
      }
      for (let i = batch.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [batch[i], batch[j]] = [batch[j]!, batch[i]!];
      }
      for (let start = 0; start < batch.length; start += 37) await store.recordReceipts(batch.slice(start, start + 37));
      for (const [id, status] of expected) {
        expect((await store.getReceipt('whatsapp', id))?.status, `seed ${seed}, ${id}`).toBe(status);
      }
      const values = [...expected.values()];
      const [counts] = await store.receiptCounts('run-r');
      expect(counts, `seed ${seed}`).toMatchObject({
        sent: values.filter((s) => s === 'sent').length,
        failed: values.filter((s) => s === 'failed').length,
        delivered: values.filter((s) => s === 'delivered' || s === 'read').length,
        read: values.filter((s) => s === 'read').length,
      });
    });
  });
}
