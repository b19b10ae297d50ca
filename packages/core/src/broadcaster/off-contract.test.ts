import { describe, expect, it } from 'vitest';
import type { Channel, SendResult } from '../channel/channel.js';
import { ChannelError } from '../channel/channel-error.js';
import type { ChannelErrorCode } from '../channel/error-codes.js';
import { createMemoryStore } from '../store/memory-store.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createSandboxChannel, type SandboxChannelMessage } from '../testing/sandbox-channel.js';
import { drive } from '../test-support/drive.js';
import { seedSubscribers } from '../test-support/seed.js';
import { createBroadcaster } from './create-broadcaster.js';
import type { BroadcastEvent } from './events.js';
import { checkSendResult } from './send-result.js';

/** What a channel off its contract answers, by address. */
const ANSWERS: Record<string, () => Promise<unknown>> = {
  'addr-0': async () => ({ ok: false, error: new ChannelError('NOT_IN_THE_TABLE' as ChannelErrorCode, 'x') }),
  'addr-1': async () => ({ ok: false, error: new Error('plain error') }),
  'addr-2': () => Promise.reject(new Error('rejected with addr-2 inside')),
  'addr-3': async () => undefined,
  'addr-4': async () => ({ ok: 'yes' }),
  'addr-5': async () => ({ ok: false, error: { code: 'RATE_LIMITED', message: 'a look-alike' } }),
};

describe('send results off the channel contract', () => {
  it('become UNKNOWN failures: retried within the budget, then recorded and reported', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ clock });
    await seedSubscribers(store, 10);
    const sandbox = createSandboxChannel({ clock });
    const channel: Channel<SandboxChannelMessage> = {
      ...sandbox,
      send: (address, rendered, options) =>
        (ANSWERS[address]?.() ?? sandbox.send(address, rendered, options)) as Promise<SendResult>,
    };
    const events: BroadcastEvent[] = [];
    const broadcaster = createBroadcaster({
      store,
      channels: [channel],
      clock,
      retry: { maxAttempts: 3, baseDelayMs: 100 },
      random: () => 0.5,
      onEvent: (event) => void events.push(event),
    });
    const report = await drive(clock, (await broadcaster.publish(sampleAnnouncement())).done);

    expect(report.status).toBe('completed');
    expect(report.channels[0]).toMatchObject({ planned: 10, sent: 4, failed: 6, byCode: { UNKNOWN: 6 } });
    const failed = events.filter((event) => event.type === 'delivery.failed');
    expect(failed.map((event) => [event.code, event.action, event.attempts])).toEqual(
      Array.from({ length: 6 }, () => ['UNKNOWN', 'exhausted', 3]),
    );
    expect(events.filter((event) => event.type === 'delivery.retry')).toHaveLength(12);
    const complaints = events.filter((event) => event.type === 'internal.error' && event.where === 'sandbox.send');
    expect(complaints).toHaveLength(18);
    // Nothing of what the channel said (it may hold an address) reaches an event.
    expect(JSON.stringify(events)).not.toContain('addr-');
    await broadcaster.close();
  });

  it('checkSendResult accepts exactly the contract', () => {
    expect(checkSendResult({ ok: true }).violation).toBeUndefined();
    expect(checkSendResult({ ok: true, providerMessageId: '7' }).violation).toBeUndefined();
    const gone = { ok: false, error: new ChannelError('RECIPIENT_GONE', 'blocked') };
    expect(checkSendResult(gone)).toEqual({ result: gone });
    for (const value of [undefined, null, 'ok', { ok: true, providerMessageId: 7 }, { ok: false }, { ok: 1 }]) {
      const checked = checkSendResult(value);
      expect(checked.violation).toBeTypeOf('string');
      expect(checked.result).toMatchObject({ ok: false, error: { code: 'UNKNOWN' } });
    }
  });
});
