import { setImmediate as flush } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { maxInAnySecond } from '../testing/measure.js';
import { createManualClock, type ManualClock } from '../testing/manual-clock.js';
import { createRateGate, type RateGate } from './rate-gate.js';

/**
 * Runs `workers` saturating loops against the gate for `durationMs` of manual time, each taking
 * `cost` grants at a time; returns one time stamp per grant.
 */
async function saturate(
  gate: RateGate,
  clock: ManualClock,
  durationMs: number,
  { workers = 64, cost = 1 }: { workers?: number; cost?: number } = {},
): Promise<number[]> {
  const stamps: number[] = [];
  const end = clock.now() + durationMs;
  let running = true;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const wait = cost === 1 ? gate.acquire() : gate.acquire(cost);
      if (wait) await wait;
      if (!running) break;
      for (let index = 0; index < cost; index++) stamps.push(clock.now());
      await Promise.resolve();
    }
  });
  while (clock.now() < end) {
    clock.advance(1);
    await flush();
  }
  running = false;
  gate.close();
  void loops;
  return stamps.filter((stamp) => stamp < end);
}

describe('createRateGate', () => {
  it.each([80, 1000, 30])(
    'never exceeds %i/s in any sliding second and uses at least 98 percent of it',
    async (rate) => {
      const clock = createManualClock();
      const gate = createRateGate({ ratePerSecond: rate, clock });
      const stamps = await saturate(gate, clock, 5_000);
      expect(maxInAnySecond(stamps)).toBeLessThanOrEqual(rate);
      expect(stamps.length / (rate * 5)).toBeGreaterThanOrEqual(0.98);
    },
  );

  it('does not burst a full second of tokens at start (unlike a full token bucket)', async () => {
    const clock = createManualClock();
    const gate = createRateGate({ ratePerSecond: 1000, clock });
    const stamps = await saturate(gate, clock, 100);
    // GCRA spreads grants: ~100 in the first 100 ms plus the 50-grant burst, far from 1000.
    expect(stamps.length).toBeLessThanOrEqual(160);
    expect(stamps.length).toBeGreaterThanOrEqual(90);
  });

  it('grants nothing while paused, then resumes', async () => {
    const clock = createManualClock();
    const gate = createRateGate({ ratePerSecond: 100, clock });
    gate.pauseUntil(clock.now() + 500);
    const start = clock.now();
    const stamps = await saturate(gate, clock, 1_000);
    expect(stamps.length).toBeGreaterThan(0);
    expect(Math.min(...stamps)).toBeGreaterThanOrEqual(start + 500);
  });

  it('pauses an unlimited gate too', async () => {
    const clock = createManualClock();
    const gate = createRateGate({ ratePerSecond: Infinity, clock });
    expect(gate.acquire()).toBeUndefined();
    gate.pauseUntil(clock.now() + 300);
    let released = false;
    void gate.acquire()!.then(() => (released = true));
    clock.advance(299);
    await flush();
    expect(released).toBe(false);
    clock.advance(1);
    await flush();
    expect(released).toBe(true);
  });

  it('refund returns a grant so the next caller gets it at once', () => {
    const clock = createManualClock();
    const gate = createRateGate({ ratePerSecond: 1, burst: 1, clock });
    expect(gate.acquire()).toBeUndefined();
    expect(gate.acquire()).toBeInstanceOf(Promise);
    gate.close();
    const fresh = createRateGate({ ratePerSecond: 1, burst: 1, clock });
    expect(fresh.acquire()).toBeUndefined();
    fresh.refund();
    expect(fresh.acquire()).toBeUndefined();
  });
});

describe('createRateGate with weighted grants', () => {
  it.each([
    [20, 2],
    [30, 3],
    [80, 7],
  ])('at %i/s with a cost of %i never exceeds the limit in requests and still uses 95 percent', async (rate, cost) => {
    const clock = createManualClock();
    const gate = createRateGate({ ratePerSecond: rate, clock });
    const stamps = await saturate(gate, clock, 5_000, { workers: 16, cost });
    expect(maxInAnySecond(stamps)).toBeLessThanOrEqual(rate);
    // Whole messages only: at most cost − 1 requests of a window go unused.
    expect(stamps.length / (rate * 5)).toBeGreaterThanOrEqual(0.95);
  });

  it('charges a cost above the limit as the whole limit instead of waiting forever', () => {
    const clock = createManualClock();
    const gate = createRateGate({ ratePerSecond: 2, burst: 2, clock });
    expect(gate.acquire(5)).toBeUndefined();
    expect(gate.acquire(1)).toBeInstanceOf(Promise);
    gate.close();
  });

  it('refunds the same number of grants it gave', () => {
    const clock = createManualClock();
    const gate = createRateGate({ ratePerSecond: 4, burst: 4, clock });
    expect(gate.acquire(3)).toBeUndefined();
    expect(gate.acquire(2)).toBeInstanceOf(Promise);
    gate.close();
    const fresh = createRateGate({ ratePerSecond: 4, burst: 4, clock });
    expect(fresh.acquire(3)).toBeUndefined();
    fresh.refund(3);
    expect(fresh.acquire(4)).toBeUndefined();
    expect(fresh.acquire(1)).toBeInstanceOf(Promise);
    fresh.close();
  });

  it('treats a broken cost as one grant', () => {
    const clock = createManualClock();
    const gate = createRateGate({ ratePerSecond: 2, burst: 2, clock });
    expect(gate.acquire(Number.NaN)).toBeUndefined();
    expect(gate.acquire(0)).toBeUndefined();
    expect(gate.acquire(1)).toBeInstanceOf(Promise);
    gate.close();
  });
});
