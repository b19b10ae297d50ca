import { createManualClock } from '@banditore/core/testing';
import { describe, expect, it } from 'vitest';
import { createSlidingGate } from './sliding-gate.js';

const flush = async (): Promise<void> => {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
};

describe('createSlidingGate', () => {
  it('lets request k go one window after request k − limit was answered, not after it was granted', async () => {
    const clock = createManualClock(0);
    const gate = createSlidingGate(2, 1_000, clock);
    const first = gate.acquire() as number;
    const second = gate.acquire() as number;
    let third: number | undefined;
    void Promise.resolve(gate.acquire()).then((ticket) => (third = ticket));
    clock.advance(300);
    gate.settle(first); // answered at 300: it may have arrived as late as that
    gate.settle(second);
    clock.advance(999);
    await flush();
    expect(third).toBeUndefined();
    clock.advance(1);
    await flush();
    expect(third).toBe(3);
  });

  it('frees a slot at once on refund, holds everyone during a pause, and bounds an unanswered request', async () => {
    const clock = createManualClock(0);
    const gate = createSlidingGate(1, 1_000, clock, 200);
    const ticket = gate.acquire() as number;
    gate.refund(ticket);
    expect(gate.acquire()).toBe(2); // never answered: counted as arrived 200 ms after its grant
    let next: number | undefined;
    void Promise.resolve(gate.acquire()).then((granted) => (next = granted));
    gate.pauseUntil(5_000);
    expect(gate.pausedUntil).toBe(5_000);
    clock.advance(1_200);
    await flush();
    expect(next, 'paused').toBeUndefined();
    clock.advance(3_800);
    await flush();
    expect(next).toBe(3);
    expect(gate.waiting).toBe(0);
  });
});
