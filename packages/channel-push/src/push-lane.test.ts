import { createBroadcaster, createMemoryStore, type Store } from '@banditore/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createPushChannel, type PushChannel } from './push-channel.js';
import type { PushPayload } from './render.js';
import { createPushSandbox, type PushSandbox } from './sandbox/index.js';
import { announcementInput, TEST_VAPID } from './test/rig.js';

// The lane with encryption on worker threads: sends await their bodies from other threads, several
// in flight; the broadcaster's pacing, priorities and cancel must hold exactly as for any channel.

let sandbox: PushSandbox | undefined;
let channel: PushChannel | undefined;
afterEach(async () => {
  await channel?.close?.();
  await sandbox?.close();
});

async function rig(
  count: number,
  ratePerSecond: number,
): Promise<{ store: Store; sandbox: PushSandbox; channel: PushChannel }> {
  sandbox = await createPushSandbox();
  channel = createPushChannel({
    vapid: TEST_VAPID,
    extraOrigins: [sandbox.url],
    encryptionThreads: 2,
    limits: { ratePerSecond, concurrency: 64 },
  });
  const store = createMemoryStore();
  const fakes = Array.from({ length: count }, () => sandbox!.subscribe(TEST_VAPID.publicKey));
  await store.importSubscribers(
    fakes.map((fake, index) => ({
      channel: 'push',
      address: fake.address,
      topics: [index === 0 ? 'protezione-civile' : 'eventi'],
      areas: [],
      language: 'it',
    })),
    { method: 'import', noticeVersion: '2026-03' },
  );
  return { store, sandbox, channel };
}

const until = async (check: () => boolean): Promise<void> => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('the lane with worker-thread encryption', () => {
  it('never exceeds the rate in any sliding second counted on arrival', async () => {
    const { store, sandbox, channel } = await rig(600, 200);
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    try {
      const report = await (
        await broadcaster.publish(announcementInput({ severity: 'minor', topics: ['eventi'] }))
      ).done;
      expect(report.channels[0]).toMatchObject({ sent: 599 });
      const arrivals = sandbox.messages.map((message) => message.receivedAt).sort((a, b) => a - b);
      let most = 0;
      for (let start = 0, end = 0; end < arrivals.length; end++) {
        while (arrivals[end]! - arrivals[start]! >= 1000) start++;
        most = Math.max(most, end - start + 1);
      }
      expect(most).toBeLessThanOrEqual(200);
    } finally {
      await broadcaster.close();
    }
  }, 60_000);

  it('sends an emergency published during a routine broadcast before the routine one finishes', async () => {
    const { store, sandbox, channel } = await rig(1500, 1000);
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    try {
      const routine = await broadcaster.publish(
        announcementInput({ id: 'eventi', severity: 'minor', topics: ['eventi'] }),
      );
      await until(() => sandbox.messages.length >= 100);
      const emergency = await broadcaster.publish(
        announcementInput({ id: 'allerta', severity: 'extreme', topics: ['protezione-civile'] }),
      );
      await emergency.done;
      const at = sandbox.messages.findIndex((message) => (message.payload as PushPayload).tag === 'allerta');
      const routineLeft =
        1499 - sandbox.messages.slice(0, at).filter((m) => (m.payload as PushPayload).tag === 'eventi').length;
      // In arrival order (FIFO) it would come after all 1,499 routine messages; it jumped the queue.
      expect(at).toBeGreaterThan(0);
      expect(routineLeft).toBeGreaterThan(0);
      await routine.done;
    } finally {
      await broadcaster.close();
    }
  }, 60_000);

  it('sends nothing more after cancel, beyond what was already in flight', async () => {
    const { store, sandbox, channel } = await rig(800, 400);
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    try {
      const run = await broadcaster.publish(announcementInput({ severity: 'minor', topics: ['eventi'] }));
      await until(() => sandbox.messages.length >= 100);
      await run.cancel();
      const atCancel = sandbox.stats.requests;
      const report = await run.done;
      // In flight when cancelled: at most the lane's concurrency.
      expect(sandbox.stats.requests - atCancel).toBeLessThanOrEqual(64);
      expect(report.channels[0]!.cancelled).toBeGreaterThan(0);
      expect(report.channels[0]!.sent + report.channels[0]!.cancelled).toBe(799);
      expect(report.channels[0]!.sent).toBe(sandbox.stats.accepted);
    } finally {
      await broadcaster.close();
    }
  }, 60_000);
});
