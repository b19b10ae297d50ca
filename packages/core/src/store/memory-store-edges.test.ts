import { describe, expect, it } from 'vitest';
import { seedSubscribers } from '../test-support/seed.js';
import { createMemoryStore } from './memory-store.js';
import { MemoryLedger } from './memory-ledger.js';

describe('memory store edges', () => {
  it('refuses to give a subscriber an address another subscriber of the channel has, without naming it', async () => {
    const store = createMemoryStore();
    const [first, second] = await seedSubscribers(store, 2, { prefix: 'PRIVATE-' });
    const error = await store.updateSubscriber(first!, { address: 'PRIVATE-1' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).not.toContain('PRIVATE');
    await expect(store.findSubscriber('sandbox', 'PRIVATE-1')).resolves.toMatchObject({ id: second });
    await expect(store.findSubscriber('sandbox', 'PRIVATE-0')).resolves.toMatchObject({ id: first });
    await expect(store.getSubscriber(first!)).resolves.toMatchObject({ address: 'PRIVATE-0' });
  });

  it('lets a subscriber keep its own address in a patch', async () => {
    const store = createMemoryStore();
    const [id] = await seedSubscribers(store, 1);
    await expect(store.updateSubscriber(id!, { address: 'addr-0', topics: ['meteo'] })).resolves.toMatchObject({
      address: 'addr-0',
      topics: ['meteo'],
    });
  });
});

describe('MemoryLedger', () => {
  it('hands out each pending delivery once across claims, releases and outcomes', () => {
    const ledger = new MemoryLedger();
    for (let subscriber = 0; subscriber < 10; subscriber++) ledger.append(subscriber);
    const first = ledger.claim(4);
    expect(first).toEqual([0, 1, 2, 3]);
    // 1 is sent; 0 and 2 go back; 2 is then recorded by a late outcome while pending.
    ledger.record(1, 'sent', 1, undefined);
    expect(ledger.release([0, 2], false)).toBe(2);
    ledger.record(2, 'sent', 1, undefined);
    const second = ledger.claim(10);
    expect(second.sort((a, b) => a - b)).toEqual([0, 4, 5, 6, 7, 8, 9]);
    expect(ledger.claim(10)).toEqual([]);
    expect(ledger.counts).toEqual([0, 8, 2, 0, 0, 0, 0]);
  });

  it('releases every claim after a crash and counts each ambiguous delivery once', () => {
    const ledger = new MemoryLedger();
    for (let subscriber = 0; subscriber < 6; subscriber++) ledger.append(subscriber);
    ledger.claim(6);
    ledger.record(5, 'sent', 1, undefined);
    expect(ledger.release(undefined, true)).toBe(5);
    ledger.claim(2);
    expect(ledger.release(undefined, true)).toBe(2);
    expect(ledger.ambiguousCount).toBe(5);
    expect(ledger.closePending('cancelled', 'CANCELLED')).toBe(5);
    expect(ledger.claim(10)).toEqual([]);
  });
});
