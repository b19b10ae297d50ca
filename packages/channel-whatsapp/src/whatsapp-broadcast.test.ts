import { createBroadcaster, createMemoryStore, type Store } from '@banditore/core';
import { createManualClock, sampleAnnouncement, type ManualClock } from '@banditore/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createWhatsAppPortfolio, loadPortfolioUsage } from './portfolio.js';
import { createWhatsAppSandbox, type WhatsAppSandbox } from './sandbox/index.js';
import { CHANNEL_TEMPLATES, SANDBOX_TEMPLATES, testSeed } from './test/rig.js';
import { createWhatsAppChannel, type WhatsAppChannel } from './whatsapp-channel.js';

const DAY = 86_400_000;
const opened: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

async function seed(store: Store, channel: string, count: number, first: number): Promise<void> {
  await store.importSubscribers(
    Array.from({ length: count }, (_, index) => ({
      channel,
      address: `39333${first + index}`,
      topics: [],
      areas: [],
      language: 'it',
    })),
    { method: 'import', noticeVersion: 'test' },
  );
}

/**
 * Lets real I/O (the sandbox's sockets) run between small steps of manual time, until `condition`
 * holds. Everything that paces (broadcaster, sandbox windows) runs on the manual clock.
 */
async function runUntil(clock: ManualClock, condition: () => boolean, stepMs = 5): Promise<void> {
  for (let turns = 0; !condition(); turns++) {
    if (turns > 200_000) throw new Error('condition not reached');
    await new Promise((resolve) => setImmediate(resolve));
    if (turns % 4 === 3) clock.advance(stepMs);
  }
}

describe('WhatsApp through the broadcaster', () => {
  it('two numbers of one portfolio share its messaging limit: the excess is held, estimated, and sent a day later, with no 131048, 130429 or 131056', async () => {
    const clock = createManualClock(Date.UTC(2026, 11, 7, 8, 14));
    const sandbox: WhatsAppSandbox = await createWhatsAppSandbox({
      seed: testSeed('portfolio'),
      templates: SANDBOX_TEMPLATES,
      phoneNumbers: [
        { id: '1000000001', throughput: 80 },
        { id: '1000000002', throughput: 80 },
      ],
      messagingLimit: 250,
      latencyMs: [0, 0],
      now: () => clock.now(),
      monotonic: () => clock.now(),
    });
    opened.push(sandbox);
    const portfolio = createWhatsAppPortfolio({ id: 'comune', messagingLimit: 250 });
    const channelFor = (name: string, phoneNumberId: string): WhatsAppChannel => {
      const channel = createWhatsAppChannel({
        name,
        accessToken: sandbox.accessToken,
        phoneNumberId,
        baseUrl: sandbox.url,
        templates: CHANNEL_TEMPLATES,
        portfolio,
        clock,
      });
      opened.push(channel);
      return channel;
    };
    const store = createMemoryStore({ clock });
    await seed(store, 'whatsapp', 150, 1_000_000);
    await seed(store, 'whatsapp-pc', 150, 2_000_000);
    const broadcaster = createBroadcaster({
      store,
      clock,
      channels: [channelFor('whatsapp', '1000000001'), channelFor('whatsapp-pc', '1000000002')],
    });
    opened.push(broadcaster);
    const notice = sampleAnnouncement({ topics: ['lavori'] });

    const estimate = await broadcaster.estimate(notice);
    // 300 recipients against one limit of 250: the second number's last 50 go out a day later.
    expect(estimate.channels.map((channel) => channel.recipients)).toEqual([150, 150]);
    expect(estimate.channels[0]!.held).toBeUndefined();
    expect(estimate.channels[1]!.held).toEqual({ recipients: 50, lastAt: clock.now() + DAY });

    const run = await broadcaster.publish(notice);
    await runUntil(
      clock,
      () => sandbox.stats.accepted === 250 && run.progress().channels.some((c) => c.state === 'held'),
    );
    expect(sandbox.messagingLimitUsed()).toBe(250);

    clock.advance(DAY);
    const report = await Promise.race([run.done, runUntil(clock, () => false).then(() => undefined)]);
    expect(report?.channels.map((channel) => channel.sent)).toEqual([150, 150]);
    expect(sandbox.stats.errors[131048] ?? 0).toBe(0);
    expect(sandbox.stats.errors[130429] ?? 0).toBe(0);
    expect(sandbox.stats.errors[131056] ?? 0).toBe(0);
    // A hang limit, not a time budget: 300 real HTTP round trips on a busy machine.
  }, 120_000);

  it('a restarted process reads the last 24 hours back from the ledger: the limit it seeds holds what Meta would refuse', async () => {
    const clock = createManualClock(Date.UTC(2026, 11, 7, 8, 14));
    const sandbox = await createWhatsAppSandbox({
      seed: testSeed('portfolio restart'),
      templates: SANDBOX_TEMPLATES,
      messagingLimit: 250,
      latencyMs: [0, 0],
      now: () => clock.now(),
      monotonic: () => clock.now(),
    });
    opened.push(sandbox);
    const store = createMemoryStore({ clock });
    await seed(store, 'whatsapp', 200, 4_000_000);
    const start = async (
      usedAt: readonly number[] | undefined,
    ): Promise<{ channel: WhatsAppChannel; broadcaster: ReturnType<typeof createBroadcaster> }> => {
      const portfolio = createWhatsAppPortfolio({ id: 'comune', messagingLimit: 250, ...(usedAt ? { usedAt } : {}) });
      const channel = createWhatsAppChannel({
        accessToken: sandbox.accessToken,
        phoneNumberId: sandbox.phoneNumberIds[0]!,
        baseUrl: sandbox.url,
        templates: CHANNEL_TEMPLATES,
        portfolio,
        clock,
      });
      opened.push(channel);
      const broadcaster = createBroadcaster({ store, clock, channels: [channel] });
      opened.push(broadcaster);
      return { channel, broadcaster };
    };
    const first = await start(undefined);
    const morning = await first.broadcaster.publish(sampleAnnouncement({ id: 'lavori-mattina', topics: ['lavori'] }));
    await Promise.race([morning.done, runUntil(clock, () => false)]);
    await first.broadcaster.close();
    clock.advance(3 * 3_600_000);

    // Three hours later, after a restart: 200 of the 250 are still used for 21 hours.
    const usedAt = await loadPortfolioUsage(store, { channels: ['whatsapp'], now: clock.now() });
    expect(usedAt).toHaveLength(200);
    const second = await start(usedAt);
    const evening = sampleAnnouncement({ id: 'lavori-sera', topics: ['lavori'] });
    const estimate = await second.broadcaster.estimate(evening);
    expect(estimate.channels[0]!.held?.recipients).toBe(150);
    const run = await second.broadcaster.publish(evening);
    await runUntil(clock, () => sandbox.stats.accepted === 250 && run.progress().channels[0]?.state === 'held');
    expect(sandbox.stats.errors[131048] ?? 0, 'sent into the refusals of a limit it forgot').toBe(0);
    await second.broadcaster.close();
  }, 120_000);

  it('estimates the cost by category and carries the run and delivery ids in biz_opaque_callback_data', async () => {
    const sandbox = await createWhatsAppSandbox({ seed: testSeed('callback'), templates: SANDBOX_TEMPLATES });
    opened.push(sandbox);
    const channel = createWhatsAppChannel({
      accessToken: sandbox.accessToken,
      phoneNumberId: sandbox.phoneNumberIds[0]!,
      baseUrl: sandbox.url,
      templates: CHANNEL_TEMPLATES,
      // Illustrative figures for the test, not Meta's rates.
      prices: { currency: 'EUR', asOf: '2026-12-01', perMessage: { MARKETING: 0.07, UTILITY: 0.03 } },
    });
    opened.push(channel);
    const store = createMemoryStore();
    await seed(store, 'whatsapp', 3, 3_000_000);
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    opened.push(broadcaster);
    // A utility notice and a marketing bulletin, priced by their templates' categories.
    expect((await broadcaster.estimate(sampleAnnouncement({ topics: ['lavori'] }))).channels[0]!.expectedCost).toEqual({
      amount: 0.09,
      currency: 'EUR',
      asOf: '2026-12-01',
    });
    expect((await broadcaster.estimate(sampleAnnouncement())).channels[0]!.expectedCost?.amount).toBe(0.21);
    const run = await broadcaster.publish(sampleAnnouncement({ topics: ['lavori'] }));
    await run.done;
    expect(sandbox.messages).toHaveLength(3);
    for (const message of sandbox.messages) expect(message.callbackData).toMatch(/^bnd1:\["[^"]+","[^"]+"\]$/);
    expect(new Set(sandbox.messages.map((message) => message.callbackData)).size).toBe(3);
  });
});
