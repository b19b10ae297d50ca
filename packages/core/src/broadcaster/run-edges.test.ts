import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import { createSandboxChannel } from '../testing/sandbox-channel.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { seedSubscribers } from '../test-support/seed.js';
import { pause } from '../test-support/drive.js';
import { ledgerOf } from '../test-support/store-wrappers.js';
import type { RunProgress } from './types.js';
import { createBroadcaster } from './create-broadcaster.js';
import type { BroadcastEvent } from './events.js';
import { withHeldRender } from '../test-support/scripted-channel.js';

describe('run edges: close, cancel and render', () => {
  it('close() while a run is still rendering stops it instead of delivering it all', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 200);
    const sandbox = createSandboxChannel({ limits: { ratePerSecond: 100, concurrency: 4 } });
    const { channel, release: rendered } = withHeldRender(sandbox);
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const run = await broadcaster.publish(sampleAnnouncement());
    const closing = broadcaster.close();
    rendered();
    await closing;
    const report = await run.done;

    // At 100/s the whole run would take two seconds; close() must not wait for it, and the run
    // must not go on delivering behind a closed broadcaster.
    expect(sandbox.deliveries.length).toBeLessThanOrEqual(10);
    expect(report.status).toBe('incomplete');
    expect((await ledgerOf(store, run.id)).claimed ?? 0).toBe(0);
    await pause(300);
    expect(sandbox.deliveries.length).toBeLessThanOrEqual(10);
    await expect(store.getRun(run.id)).resolves.toMatchObject({ status: 'active' });
  });

  it('cancel() while a run is still rendering sends nothing and plans nothing', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 50);
    const sandbox = createSandboxChannel();
    const { channel, release: rendered } = withHeldRender(sandbox);
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const run = await broadcaster.publish(sampleAnnouncement());
    await run.cancel();
    rendered();
    const report = await run.done;

    expect(report.status).toBe('cancelled');
    expect(sandbox.deliveries).toEqual([]);
    expect(report.channels[0]).toMatchObject({ planned: 0, sent: 0 });
    await broadcaster.close();
  });

  it('close() mid-run keeps the rest pending, and another broadcaster finishes it without duplicates', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 300);
    const first = createSandboxChannel({ latencyMs: 2, limits: { ratePerSecond: 500, concurrency: 4 } });
    const closing = createBroadcaster({ store, channels: [first], instanceId: 'closing' });
    const run = await closing.publish(sampleAnnouncement());
    while (first.deliveries.length < 30) await pause(2);
    await closing.close();
    const report = await run.done;
    expect(report.status).toBe('incomplete');
    expect(report.channels[0]).toMatchObject({ stoppedCode: 'BROADCASTER_CLOSED' });
    expect((await ledgerOf(store, run.id)).claimed).toBe(0);

    const second = createSandboxChannel();
    const next = createBroadcaster({ store, channels: [second], instanceId: 'next' });
    const [resumed] = await next.resume();
    const final = await resumed!.done;
    const all = [...first.deliveries, ...second.deliveries].map((delivery) => delivery.address);
    expect(final.status).toBe('completed');
    expect(final.channels[0]).toMatchObject({ planned: 300, sent: 300, ambiguous: 0 });
    expect(all).toHaveLength(300);
    expect(new Set(all).size).toBe(300);
    await next.close();
  });

  it('cancel() on a run left incomplete by a stopped channel cancels it for good', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 10);
    const channel = createSandboxChannel({ authFailed: true });
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const run = await broadcaster.publish(sampleAnnouncement());
    expect((await run.done).status).toBe('incomplete');

    await run.cancel();
    await expect(store.getRun(run.id)).resolves.toMatchObject({ status: 'cancelled' });
    expect(await ledgerOf(store, run.id)).toMatchObject({ pending: 0, cancelled: 10 });
    channel.configure({ authFailed: false });
    expect(await broadcaster.resume()).toEqual([]);
    expect(channel.deliveries).toEqual([]);
    await broadcaster.close();
  });

  it('cancel() on the handle of a finished run does not rewrite its outcome', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 5);
    const channel = createSandboxChannel();
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    await (
      await broadcaster.publish(sampleAnnouncement())
    ).done;
    // Same key again: a handle on the finished run.
    const again = await broadcaster.publish(sampleAnnouncement());
    expect(again.created).toBe(false);
    await again.cancel();
    await broadcaster.cancel(again.id);

    await expect(store.getRun(again.id)).resolves.toMatchObject({ status: 'completed' });
    expect(await ledgerOf(store, again.id)).toMatchObject({ sent: 5, cancelled: 0 });
    await broadcaster.close();
  });

  it('a channel whose render throws leaves its deliveries for resume and the others deliver', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 6, { channel: 'good' });
    await seedSubscribers(store, 4, { channel: 'bad', prefix: 'bad-' });
    const good = createSandboxChannel({ name: 'good' });
    const badBase = createSandboxChannel({ name: 'bad' });
    let broken = true;
    const bad = {
      ...badBase,
      render: (...args: Parameters<typeof badBase.render>) => {
        if (broken) throw new TypeError(`cannot render ${args[0].content.it?.headline ?? ''}`);
        return badBase.render(...args);
      },
    };
    const events: BroadcastEvent[] = [];
    const broadcaster = createBroadcaster({ store, channels: [good, bad], onEvent: (event) => events.push(event) });
    const run = await broadcaster.publish(sampleAnnouncement());
    const snapshots: RunProgress[] = [];
    for await (const progress of run) snapshots.push(progress);
    const report = await run.done;

    expect(report.status).toBe('incomplete');
    expect(report.channels.find((c) => c.channel === 'good')).toMatchObject({ sent: 6 });
    expect(report.channels.find((c) => c.channel === 'bad')).toMatchObject({ sent: 0, stoppedCode: 'RENDER_FAILED' });
    expect(snapshots.at(-1)?.status).toBe('incomplete');
    const error = events.find((event) => event.type === 'internal.error' && event.where === 'bad.render');
    // Only the error's name: its message may quote the announcement.
    expect(error).toMatchObject({ message: 'TypeError' });
    expect(broadcaster.getRun(run.id)).toBeUndefined();

    broken = false;
    const [resumed] = await broadcaster.resume();
    const after = await resumed!.done;
    expect(after.status).toBe('completed');
    expect(after.channels.find((c) => c.channel === 'bad')).toMatchObject({ planned: 4, sent: 4 });
    expect(good.deliveries).toHaveLength(6);
    await broadcaster.close();
  });

  it('a run whose store fails at the start settles, ends its progress and can be resumed', async () => {
    const memory = createMemoryStore();
    await seedSubscribers(memory, 5);
    let failing = true;
    const store = {
      ...memory,
      deliveryCounts: async (runId: string) => {
        if (failing) throw new Error('connection reset');
        return memory.deliveryCounts(runId);
      },
    };
    const channel = createSandboxChannel();
    const events: BroadcastEvent[] = [];
    const broadcaster = createBroadcaster({ store, channels: [channel], onEvent: (event) => events.push(event) });
    const run = await broadcaster.publish(sampleAnnouncement());
    const snapshots: RunProgress[] = [];
    const iterating = (async () => {
      for await (const progress of run) snapshots.push(progress);
    })();
    await expect(run.done).rejects.toThrow('connection reset');
    await Promise.race([iterating, pause(1_000)]);

    expect(snapshots.at(-1)?.status).toBe('incomplete');
    expect(broadcaster.getRun(run.id)).toBeUndefined();
    expect(events.some((event) => event.type === 'internal.error' && event.where === 'run')).toBe(true);
    failing = false;
    const [resumed] = await broadcaster.resume();
    expect((await resumed!.done).channels[0]).toMatchObject({ sent: 5 });
    await broadcaster.close();
  });
});
