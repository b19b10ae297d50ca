import { createBroadcaster, createMemoryStore, type BroadcastEvent } from '@banditore/core';
import { describe, expect, it } from 'vitest';
import { createPushChannel } from './push-channel.js';
import type { PushPayload } from './render.js';
import { createPushSandbox } from './sandbox/index.js';
import { announcementInput, TEST_VAPID } from './test/rig.js';

describe('broadcast through the broadcaster to the sandbox push service', () => {
  it('delivers each language, drops gone subscriptions, fails nothing, and leaks no endpoint', async () => {
    const sandbox = await createPushSandbox();
    const store = createMemoryStore();
    const consent = { method: 'web-form' as const, noticeVersion: '2026-03' };
    const italians = Array.from({ length: 30 }, () => sandbox.subscribe(TEST_VAPID.publicKey));
    const english = Array.from({ length: 5 }, () => sandbox.subscribe(TEST_VAPID.publicKey));
    const gone = italians.slice(0, 3);
    for (const fake of gone) sandbox.setStatus(fake.id, 410);
    await store.importSubscribers(
      [
        ...italians.map((fake) => ({
          channel: 'push',
          address: fake.address,
          topics: ['meteo'],
          areas: [],
          language: 'it',
        })),
        ...english.map((fake) => ({
          channel: 'push',
          address: fake.address,
          topics: ['meteo'],
          areas: [],
          language: 'en',
        })),
      ],
      consent,
    );
    // A 429 and a 503 on the way: the first pauses the origin, the second backs off; both retried.
    sandbox.rateLimitNext(1, '1');
    sandbox.failNext(1, 503);
    const push = createPushChannel({ vapid: TEST_VAPID, extraOrigins: [sandbox.url] });
    const events: BroadcastEvent[] = [];
    const broadcaster = createBroadcaster({ store, channels: [push], onEvent: (event) => events.push(event) });
    try {
      const run = await broadcaster.publish(announcementInput({ severity: 'extreme' }));
      const report = await run.done;
      expect(report.channels.find((entry) => entry.channel === 'push')).toMatchObject({
        planned: 35,
        sent: 32,
        dropped: 3,
        failed: 0,
      });
      const received = new Map(sandbox.messages.map((message) => [message.subscriptionId, message]));
      expect(received.size).toBe(32);
      for (const fake of english) expect((received.get(fake.id)!.payload as PushPayload).lang).toBe('en');
      for (const fake of italians.slice(3)) {
        expect(received.get(fake.id)).toMatchObject({ urgency: 'high', payload: { lang: 'it', severity: 'extreme' } });
      }
      for (const fake of gone) expect((await store.findSubscriber('push', fake.address))?.status).toBe('unreachable');
      expect(sandbox.stats.byStatus).toMatchObject({ 429: 1, 503: 1, 410: 3 });
      const serialised = JSON.stringify([events, report]);
      expect(serialised).not.toContain(sandbox.url);
      for (const fake of [...italians, ...english]) expect(serialised).not.toContain(fake.id);
    } finally {
      await broadcaster.close();
      await push.close?.();
      await sandbox.close();
    }
  }, 30_000);
});
