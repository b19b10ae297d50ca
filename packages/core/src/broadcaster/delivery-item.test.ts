import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/measure.js';
import { DueHeap, toItem } from './delivery-item.js';

const item = (id: number, dueAt: number) => ({
  ...toItem({
    deliveryId: `d/${id}`,
    subscriberId: String(id),
    address: '',
    language: 'it',
    subscriberStatus: 'active',
    attempts: 0,
  }),
  dueAt,
});

describe('DueHeap', () => {
  it('pops exactly the due items, earliest first, through random pushes and pops', () => {
    const random = seededRandom(42);
    const heap = new DueHeap();
    const model: number[] = [];
    let id = 0;
    for (let now = 0; now < 2_000; now += 1) {
      for (let push = Math.floor(random() * 3); push > 0; push--) {
        const dueAt = now + Math.floor(random() * 50);
        heap.push(item(id++, dueAt));
        model.push(dueAt);
      }
      model.sort((a, b) => a - b);
      for (let pop = Math.floor(random() * 4); pop > 0; pop--) {
        const popped = heap.popDue(now);
        if (model.length > 0 && model[0]! <= now) expect(popped?.dueAt).toBe(model.shift());
        else expect(popped).toBeUndefined();
      }
      expect(heap.size).toBe(model.length);
      expect(heap.nextDueAt).toBe(model[0] ?? Infinity);
    }
    expect(
      heap
        .drain()
        .map((entry) => entry.dueAt)
        .sort((a, b) => a - b),
    ).toEqual(model);
    expect(heap.size).toBe(0);
  });
});
