import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import { createSandboxChannel } from '../testing/sandbox-channel.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { isConfigError } from '../errors.js';
import { seedSubscribers } from '../test-support/seed.js';
import { seededRandom } from '../testing/measure.js';
import { createBroadcaster } from './create-broadcaster.js';
import type { BroadcastEvent } from './events.js';

describe('createBroadcaster', () => {
  it('sends one message per matching active subscriber and reports the counts', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 30, { topics: ['eventi'], prefix: 'eventi-' });
    await seedSubscribers(store, 20, { topics: ['meteo'], prefix: 'meteo-' });
    await seedSubscribers(store, 5, { topics: [], prefix: 'all-' });
    const channel = createSandboxChannel();
    const broadcaster = createBroadcaster({ store, channels: [channel] });

    const run = await broadcaster.publish(sampleAnnouncement({ topics: ['eventi'] }));
    const report = await run.done;

    const addresses = channel.deliveries.map((delivery) => delivery.address).sort();
    expect(new Set(addresses).size).toBe(35);
    expect(addresses.filter((address) => address.startsWith('meteo-'))).toEqual([]);
    expect(report.status).toBe('completed');
    expect(report.channels[0]).toMatchObject({ channel: 'sandbox', planned: 35, sent: 35, failed: 0, dropped: 0 });
    await broadcaster.close();
  });

  it('returns the same run for the same idempotency key and never sends twice', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 10);
    const channel = createSandboxChannel();
    const broadcaster = createBroadcaster({ store, channels: [channel] });

    const first = await broadcaster.publish(sampleAnnouncement());
    await first.done;
    const second = await broadcaster.publish(sampleAnnouncement());
    const report = await second.done;

    expect(second.id).toBe(first.id);
    expect(second.created).toBe(false);
    expect(channel.deliveries).toHaveLength(10);
    expect(report.channels[0]!.sent).toBe(10);
    await broadcaster.close();
  });

  it('renders in the subscriber language, falling back to the default language', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 2, { language: 'en', prefix: 'en-' });
    await seedSubscribers(store, 2, { language: 'de', prefix: 'de-' });
    const channel = createSandboxChannel();
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    await (
      await broadcaster.publish(sampleAnnouncement())
    ).done;
    const byAddress = Object.fromEntries(channel.deliveries.map((delivery) => [delivery.address, delivery.language]));
    expect(byAddress).toEqual({ 'en-0': 'en', 'en-1': 'en', 'de-0': 'it', 'de-1': 'it' });
    await broadcaster.close();
  });

  it('drops gone recipients, marks them unreachable and skips them next time', async () => {
    const store = createMemoryStore();
    const ids = await seedSubscribers(store, 10);
    const channel = createSandboxChannel({ isGone: (address) => address === 'addr-3' || address === 'addr-7' });
    const events: BroadcastEvent[] = [];
    const broadcaster = createBroadcaster({ store, channels: [channel], onEvent: (event) => events.push(event) });

    const report = await (await broadcaster.publish(sampleAnnouncement())).done;
    expect(report.channels[0]).toMatchObject({ sent: 8, dropped: 2, byCode: { RECIPIENT_GONE: 2 } });
    await expect(store.getSubscriber(ids[3]!)).resolves.toMatchObject({ status: 'unreachable' });
    expect(events.filter((event) => event.type === 'subscriber.unreachable')).toHaveLength(2);

    const next = await (await broadcaster.publish(sampleAnnouncement({ id: 'second' }))).done;
    expect(next.channels[0]).toMatchObject({ planned: 8, sent: 8, dropped: 0 });
    await broadcaster.close();
  });

  it('retries transient failures with backoff, then records the failure when attempts run out', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 50);
    const channel = createSandboxChannel({ failureRate: 0.3, random: seededRandom(7) });
    const events: BroadcastEvent[] = [];
    const broadcaster = createBroadcaster({
      store,
      channels: [channel],
      retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 },
      onEvent: (event) => events.push(event),
    });
    const report = await (await broadcaster.publish(sampleAnnouncement())).done;
    const retries = events.filter((event) => event.type === 'delivery.retry');
    expect(retries.length).toBeGreaterThan(0);
    expect(report.channels[0]!.sent + report.channels[0]!.failed).toBe(50);
    expect(report.channels[0]!.failed).toBe(report.channels[0]!.byCode.PROVIDER_UNAVAILABLE ?? 0);
    // 0.3^3 of 50 is well under 5: almost everything gets through on a retry.
    expect(report.channels[0]!.sent).toBeGreaterThanOrEqual(45);
    await broadcaster.close();
  });

  it('pauses the whole channel on a rate limit without using up attempts', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 40);
    const channel = createSandboxChannel({ rateLimitRate: 0.2, retryAfterMs: 20, random: seededRandom(3) });
    const events: BroadcastEvent[] = [];
    const broadcaster = createBroadcaster({
      store,
      channels: [channel],
      retry: { maxAttempts: 1 },
      onEvent: (event) => events.push(event),
    });
    const report = await (await broadcaster.publish(sampleAnnouncement())).done;
    expect(channel.stats.rateLimited).toBeGreaterThan(0);
    expect(report.channels[0]).toMatchObject({ sent: 40, failed: 0 });
    expect(events.some((event) => event.type === 'channel.paused')).toBe(true);
    await broadcaster.close();
  });

  it('stops the channel on bad credentials, keeps deliveries pending and resumes them later', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 20);
    const channel = createSandboxChannel({ authFailed: true });
    const events: BroadcastEvent[] = [];
    const broadcaster = createBroadcaster({ store, channels: [channel], onEvent: (event) => events.push(event) });

    const report = await (await broadcaster.publish(sampleAnnouncement())).done;
    expect(report.status).toBe('incomplete');
    expect(report.channels[0]).toMatchObject({ sent: 0, dropped: 0, failed: 0, stoppedCode: 'AUTH_FAILED' });
    expect(events.filter((event) => event.type === 'channel.stopped')).toHaveLength(1);
    expect(events.some((event) => event.type === 'subscriber.unreachable')).toBe(false);

    channel.configure({ authFailed: false });
    const [resumed] = await broadcaster.resume();
    const after = await resumed!.done;
    expect(after.status).toBe('completed');
    expect(after.channels[0]).toMatchObject({ sent: 20 });
    expect(new Set(channel.deliveries.map((delivery) => delivery.address)).size).toBe(20);
    await broadcaster.close();
  });

  it('updates a moved recipient and delivers to the new address', async () => {
    const store = createMemoryStore();
    const [id] = await seedSubscribers(store, 1, { prefix: 'old-' });
    const base = createSandboxChannel();
    const { ChannelError } = await import('../channel/channel-error.js');
    const channel = {
      ...base,
      send: (address: string, rendered: Parameters<typeof base.send>[1], options: Parameters<typeof base.send>[2]) =>
        address === 'old-0'
          ? Promise.resolve({
              ok: false as const,
              error: new ChannelError('RECIPIENT_MOVED', 'Group migrated', { newAddress: 'new-0' }),
            })
          : base.send(address, rendered, options),
    };
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const report = await (await broadcaster.publish(sampleAnnouncement())).done;
    expect(report.channels[0]!.sent).toBe(1);
    expect(base.deliveries.map((delivery) => delivery.address)).toEqual(['new-0']);
    await expect(store.getSubscriber(id!)).resolves.toMatchObject({ address: 'new-0', status: 'active' });
    await broadcaster.close();
  });

  it('does not send to a subscriber who left after planning', async () => {
    const memory = createMemoryStore();
    const ids = await seedSubscribers(memory, 3);
    // Hold the first claim until the subscriber has left, so planning has already included them.
    let openClaims!: () => void;
    const claimsOpen = new Promise<void>((resolve) => (openClaims = resolve));
    let planned!: () => void;
    const plannedSignal = new Promise<void>((resolve) => (planned = resolve));
    const store = {
      ...memory,
      claimDeliveries: async (...args: Parameters<typeof memory.claimDeliveries>) => {
        await claimsOpen;
        return memory.claimDeliveries(...args);
      },
    };
    const channel = createSandboxChannel();
    const broadcaster = createBroadcaster({
      store,
      channels: [channel],
      onEvent: (event) => event.type === 'run.planned' && planned(),
    });
    const run = await broadcaster.publish(sampleAnnouncement());
    await plannedSignal;
    await memory.updateSubscriber(ids[2]!, { status: 'unsubscribed' });
    openClaims();
    const report = await run.done;
    expect(channel.deliveries.map((delivery) => delivery.address)).not.toContain('addr-2');
    expect(report.channels[0]).toMatchObject({ planned: 3, sent: 2, cancelled: 1, byCode: { SUBSCRIBER_LEFT: 1 } });
    await broadcaster.close();
  });

  it('rejects invalid options and announcements with a ConfigError naming the field', async () => {
    const store = createMemoryStore();
    const error = captureError(() =>
      createBroadcaster({ store, channels: [createSandboxChannel({ limits: { concurrency: 0 } })] }),
    );
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toContain('channels.0.limits.concurrency');

    const broadcaster = createBroadcaster({ store, channels: [createSandboxChannel()] });
    const rejected = await broadcaster
      .publish({ ...sampleAnnouncement(), severity: 'apocalyptic' as never })
      .catch((caught: unknown) => caught);
    expect(isConfigError(rejected)).toBe(true);
    expect((rejected as { fields: string[] }).fields).toEqual(['severity']);
    await expect(broadcaster.publish(sampleAnnouncement(), { channels: ['fax'] })).rejects.toThrow(/fax/);
    await broadcaster.close();
  });
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
