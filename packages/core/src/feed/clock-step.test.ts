import { describe, expect, it } from 'vitest';
import type { Clock } from '../util/clock.js';
import { createFeedState, type FeedChange } from './feed-state.js';
import { createManualClock, type ManualClock } from '../testing/manual-clock.js';
import { announcement } from '../test-support/feed.js';

const HOUR_MS = 3_600_000;

/** Wall time that can be stepped; timers keep running on the test clock's (monotonic) time. */
function stepped(base: ManualClock): Clock & { step(ms: number): void } {
  let offset = 0;
  return {
    now: () => base.now() + offset,
    monotonic: () => base.now(),
    setTimeout: (callback, ms) => base.setTimeout(callback, ms),
    clearTimeout: (handle) => base.clearTimeout(handle),
    step: (ms) => void (offset += ms),
  };
}

describe('feed expiry after a step of the wall clock', () => {
  it('an alert whose expiry the wall clock jumped past leaves within seconds, with a remove event', () => {
    const base = createManualClock(Date.parse('2025-03-01T08:00:00Z'));
    const clock = stepped(base);
    const state = createFeedState({ clock, cancelledTtlMs: 60_000 });
    const changes: FeedChange[] = [];
    state.subscribe((change) => changes.push(change));
    state.upsert(announcement({ expires: new Date(clock.now() + HOUR_MS).toISOString() }));
    expect(state.alerts(false).map((alert) => alert.id)).toEqual(['allerta-1']);

    clock.step(8 * HOUR_MS);
    // The JSON document already leaves it out; live clients hear of it at the next check.
    expect(state.alerts(false)).toEqual([]);
    base.advance(5_000);
    expect(changes.map((change) => change.kind)).toEqual(['upsert', 'remove']);
    state.close();
  });
});
