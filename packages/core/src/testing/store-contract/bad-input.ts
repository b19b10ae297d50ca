import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../errors.js';
import { isSubscriberImportError } from '../../store/subscriber-guard.js';
import type { SubscriberInput } from '../../domain/subscriber.js';
import type { Store } from '../../store/run-store.js';
import { consent, contractChannels, input, type StoreHarness } from './harness.js';

// Invalid values carry this marker: no error message may repeat it.
const SECRET = 'SEGRETO';

/** Inputs a store must refuse, the field it must name, and a note for the test name. */
const badSubscribers: Array<[string, Record<string, unknown>, string]> = [
  ['an empty address', { ...input('') }, 'address'],
  ['a NUL-filled address', { ...input('\u0000'.repeat(16)) }, 'address'],
  ['an address with a NUL inside', { ...input(`${SECRET}\u00001`) }, 'address'],
  ['a 1 MB address', { ...input(SECRET.repeat(180_000)) }, 'address'],
  ['an address the channel refuses', { ...input(`${SECRET}-42`, { channel: 'digits' }) }, 'address'],
  ['a missing address', { channel: 'telegram', topics: [], areas: [], language: 'it' }, 'address'],
  ['a topic with a space', { ...input('chat-1', { topics: [`${SECRET} Rossa`] }) }, 'topics.0'],
  ['a topic with a path', { ...input('chat-1', { topics: ['meteo', `../${SECRET}`] }) }, 'topics.1'],
  ['topics as a string', { ...input('chat-1'), topics: 'meteo' }, 'topics'],
  ['an area with capitals', { ...input('chat-1', { areas: [`${SECRET}`] }) }, 'areas.0'],
  ['a number as language', { ...input('chat-1'), language: 5 }, 'language'],
  ['a language name instead of a tag', { ...input('chat-1'), language: 'italiano' }, 'language'],
  ['a missing channel', { address: 'chat-1', topics: [], areas: [], language: 'it' }, 'channel'],
  ['a channel the store was not given', { ...input('chat-1', { channel: 'fax' }) }, 'channel'],
];

/** Whether anything at all is stored: every contract channel's whole audience is empty. */
async function isEmpty(store: Store): Promise<boolean> {
  for (const { name } of contractChannels) {
    if ((await store.countAudience({ channel: name, topics: [], areas: [], allTopics: true })) > 0) return false;
  }
  return true;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('the store accepted it'),
    (error: unknown) => error,
  );
}

/** What a store must refuse before writing anything, and how it must say so. */
export function describeBadInputContract(harness: StoreHarness): void {
  describe('bad input', () => {
    it.each(badSubscribers)('subscribe refuses %s, names the field, writes nothing', async (_name, bad, field) => {
      const { store } = harness;
      const error = await rejection(store.subscribe(bad as unknown as SubscriberInput, consent()));
      expect(isConfigError(error), String(error)).toBe(true);
      expect((error as { fields: string[] }).fields).toContain(field);
      expect((error as Error).message).not.toContain(SECRET);
      expect(await isEmpty(store)).toBe(true);
    });

    it("accepts an address the channel's addressSchema accepts", async () => {
      const { store } = harness;
      const created = await store.subscribe(input('1234567', { channel: 'digits' }), consent());
      expect(await store.findSubscriber('digits', '1234567')).toEqual(created);
    });

    it('refuses an invalid consent record and writes nothing', async () => {
      const { store } = harness;
      const records = [
        { method: 'telepathy', noticeVersion: '2026-03' },
        { method: 'web-form', noticeVersion: '' },
        { method: 'web-form', noticeVersion: '2026-03', at: 'yesterday' },
      ];
      for (const record of records) {
        const error = await rejection(store.subscribe(input('chat-1'), record as never));
        expect(isConfigError(error), String(error)).toBe(true);
      }
      expect(await isEmpty(store)).toBe(true);
    });

    it('an import with bad rows reports each by row number and reason and writes no row', async () => {
      const { store } = harness;
      const rows = [
        input('1001', { channel: 'digits' }),
        input(`${SECRET}`, { channel: 'digits' }),
        input('1003', { channel: 'digits', topics: ['meteo'] }),
        { ...input('1004', { channel: 'digits' }), address: undefined, topics: [`${SECRET} Rossa`] },
        input('1005', { channel: 'digits' }),
      ] as unknown as SubscriberInput[];
      const error = await rejection(store.importSubscribers(rows, consent('2026-03-01T10:00:00.000Z', 'import')));
      expect(isSubscriberImportError(error), String(error)).toBe(true);
      const { rejected, message } = error as { rejected: { row: number; fields: string[] }[]; message: string };
      expect(rejected.map((row) => row.row)).toEqual([2, 4]);
      expect(rejected[0]!.fields).toEqual(['address']);
      expect([...rejected[1]!.fields].sort()).toEqual(['address', 'topics.0']);
      expect(message).toMatch(/row 2/);
      expect(message).not.toContain(SECRET);
      expect(await isEmpty(store)).toBe(true);
      // The good rows go in once the bad ones are dropped.
      const good = rows.filter((_, index) => !rejected.some((row) => row.row === index + 1));
      expect(await store.importSubscribers(good, consent('2026-03-01T10:00:00.000Z', 'import'))).toBe(3);
      expect(await store.findSubscriber('digits', '1003')).toMatchObject({ topics: ['meteo'], status: 'active' });
    });

    it('an import that is not a list is refused', async () => {
      const error = await rejection(harness.store.importSubscribers('1001' as never, consent()));
      expect(isConfigError(error), String(error)).toBe(true);
      expect(await isEmpty(harness.store)).toBe(true);
    });

    it('updateSubscriber refuses a bad change, names the field and leaves the subscriber as it was', async () => {
      const { store } = harness;
      const created = await store.subscribe(input('4242', { channel: 'digits', topics: ['meteo'] }), consent());
      const events = await store.listConsent(created.id);
      const patches: Array<[Record<string, unknown>, string]> = [
        [{ topics: [`${SECRET} Rossa`] }, 'topics.0'],
        [{ topics: 'meteo' }, 'topics'],
        [{ address: `${SECRET}-1` }, 'address'],
        [{ address: '' }, 'address'],
        [{ language: 5 }, 'language'],
        [{ status: 'erased' }, 'status'],
      ];
      for (const [patch, field] of patches) {
        const error = await rejection(store.updateSubscriber(created.id, patch, consent()));
        expect(isConfigError(error), `${field}: ${String(error)}`).toBe(true);
        expect((error as { fields: string[] }).fields).toContain(field);
        expect((error as Error).message).not.toContain(SECRET);
      }
      expect(await store.getSubscriber(created.id)).toEqual(created);
      expect(await store.listConsent(created.id)).toEqual(events);
    });
  });
}
