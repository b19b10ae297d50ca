import { describe, expect, it } from 'vitest';
import { createRecentIds } from './recent-ids.js';

describe('unit: createRecentIds', () => {
  it('reports a repeated id until it falls out of the window', () => {
    const ids = createRecentIds(3);
    expect([1, 2, 1, 3].map((id) => ids.add(id))).toEqual([true, true, false, true]);
    expect(ids.add(4)).toBe(true); // evicts 1
    expect(ids.add(1)).toBe(true);
    expect(ids.add(3)).toBe(false);
    expect(ids.size).toBe(3);
  });

  it('stays bounded over many ids', () => {
    const ids = createRecentIds(100);
    for (let id = 0; id < 10_000; id++) ids.add(id);
    expect(ids.size).toBe(100);
    expect(ids.add(9_999)).toBe(false);
    expect(ids.add(9_899)).toBe(true);
  });

  it('forgets a deleted id so a redelivery is processed', () => {
    const ids = createRecentIds(10);
    ids.add(7);
    ids.delete(7);
    expect(ids.add(7)).toBe(true);
  });
});

describe('unit: createRecentIds after a delete', () => {
  it('keeps a re-added id for a full window', () => {
    const ids = createRecentIds(3);
    ids.add(7); // slot 0
    ids.delete(7);
    ids.add(8); // slot 1
    ids.add(7); // slot 2
    ids.add(9); // slot 0: evicting the old copy of 7 must not forget the new one
    expect(ids.add(7)).toBe(false);
  });
});
