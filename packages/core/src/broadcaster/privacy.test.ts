import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import { createSandboxChannel } from '../testing/sandbox-channel.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { seedSubscribers } from '../test-support/seed.js';
import { ChannelError } from '../channel/channel-error.js';
import { createBroadcaster } from './create-broadcaster.js';
import type { BroadcastEvent } from './events.js';
import { seededRandom } from '../testing/measure.js';

const MARKER = 'PIIMARKER';

describe('privacy', () => {
  it('never puts an address or message text in any event, error or report', async () => {
    const store = createMemoryStore();
    // Every address is a unique marker, so any leak is found by a plain substring search.
    await seedSubscribers(store, 200, { prefix: `${MARKER}-addr-` });
    const headline = `${MARKER} headline text`;
    const body = `${MARKER} body text`;
    const sandbox = createSandboxChannel({
      isGone: (address) => address.endsWith('7'),
      failureRate: 0.2,
      rateLimitRate: 0.05,
      retryAfterMs: 5,
      random: seededRandom(11),
    });
    const moved = new Set<string>();
    // A badly written channel: it throws errors holding the address, and migrates some recipients.
    const channel = {
      ...sandbox,
      send: async (
        address: string,
        rendered: Parameters<typeof sandbox.send>[1],
        options: Parameters<typeof sandbox.send>[2],
      ) => {
        if (address.endsWith('13')) throw new Error(`socket to ${address} failed: ${rendered.text}`);
        if (address.endsWith('5') && !moved.has(address)) {
          moved.add(address);
          return {
            ok: false as const,
            error: new ChannelError('RECIPIENT_MOVED', 'Group migrated', { newAddress: `${MARKER}-new-${address}` }),
          };
        }
        return sandbox.send(address, rendered, options);
      },
    };
    const events: BroadcastEvent[] = [];
    const broadcaster = createBroadcaster({
      store,
      channels: [channel],
      retry: { baseDelayMs: 1, maxDelayMs: 3, maxAttempts: 2 },
      onEvent: (event) => events.push(event),
      progressIntervalMs: 10,
    });
    const run = await broadcaster.publish(
      sampleAnnouncement({ content: { it: { headline, body, instruction: `${MARKER} do this` } } }),
    );
    const snapshots = [];
    for await (const progress of run) snapshots.push(progress);
    const report = await run.done;

    const kinds = new Set(events.map((event) => event.type));
    // The run really went through every kind of failure path.
    for (const kind of [
      'delivery.retry',
      'delivery.failed',
      'subscriber.unreachable',
      'subscriber.readdressed',
      'channel.paused',
      'internal.error',
    ]) {
      expect(kinds).toContain(kind);
    }
    expect(report.channels[0]!.sent).toBeGreaterThan(100);
    const serialised = JSON.stringify({ events, report, snapshots, progress: run.progress() });
    expect(serialised).not.toContain(MARKER);
    await broadcaster.close();
  });

  it('keeps the new address of a moved recipient out of the error JSON', () => {
    const error = new ChannelError('RECIPIENT_MOVED', 'Group migrated', { newAddress: `${MARKER}-1` });
    expect(error.newAddress).toBe(`${MARKER}-1`);
    expect(JSON.stringify(error)).not.toContain(MARKER);
    expect(JSON.stringify(error)).toContain('RECIPIENT_MOVED');
    expect(Object.keys(error)).not.toContain('newAddress');
  });
});
