import { createMemoryStore, isChannelError, isConfigError, type Store } from '@banditore/core';
import { createManualClock } from '@banditore/core/testing';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelegramPolling, type PollingEvent } from './long-polling.js';
import { createTelegramSandbox } from './sandbox/index.js';
import { createTelegramBot } from './telegram-bot.js';
import { createBotRig, TEST_TOKEN, TEST_TOPICS, type BotRig } from './test/bot-rig.js';

let rig: BotRig | undefined;
const controllers: AbortController[] = [];
afterEach(async () => {
  for (const controller of controllers.splice(0)) controller.abort();
  await rig?.close();
  rig = undefined;
});

function start(bot: BotRig['bot'], options: Partial<Parameters<typeof startTelegramPolling>[1]> = {}) {
  const controller = new AbortController();
  controllers.push(controller);
  const events: PollingEvent[] = [];
  const done = startTelegramPolling(bot, {
    signal: controller.signal,
    timeoutSeconds: 1,
    backoffMs: 5,
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { controller, events, done };
}

describe('long polling against the sandbox', () => {
  it('receives citizens’ commands, replies, confirms updates, and stops on abort', async () => {
    rig = await createBotRig();
    const poller = start(rig.bot);
    await rig.sandbox.sendUserMessage(111, '/start meteo');
    await rig.sandbox.waitForMessages((messages) => messages.some((message) => message.chatId === 111));
    expect((await rig.store.findSubscriber('telegram', '111'))?.topics).toEqual(['meteo']);
    await rig.sandbox.sendUserMessage(111, '/stop');
    await rig.sandbox.waitForMessages((messages) => messages.filter((message) => message.chatId === 111).length === 2);
    expect((await rig.store.findSubscriber('telegram', '111'))?.status).toBe('unsubscribed');
    // The next getUpdates carries the offset that confirms both updates.
    await waitUntil(() => rig!.sandbox.stats.byMethod.getUpdates! >= 3);
    expect(rig.sandbox.messages.filter((message) => message.chatId === 111)).toHaveLength(2);
    await waitUntil(() => rig!.bot.stats.handled === 2);
    poller.controller.abort();
    await expect(poller.done).resolves.toBeUndefined();
    expect(poller.events.at(-1)).toEqual({ type: 'stopped', reason: 'aborted' });
    expect(rig.bot.stats).toMatchObject({ handled: 2, duplicate: 0 });
  });

  it('removes a webhook first, since Telegram refuses getUpdates while one is set', async () => {
    rig = await createBotRig();
    expect((await rig.bot.setWebhook({ url: 'https://example.org/hook', secretToken: 'abc' })).ok).toBe(true);
    const poller = start(rig.bot);
    await waitUntil(() => (rig!.sandbox.stats.byMethod.getUpdates ?? 0) >= 1);
    expect(rig.sandbox.webhook).toBeUndefined();
    expect(poller.events.some((event) => event.type === 'poll-error')).toBe(false);
  });

  it('rejects with AUTH_FAILED when the token is refused, without the token in the error', async () => {
    const sandbox = await createTelegramSandbox({ token: '700000009:the-only-accepted-token_0000000' });
    const bot = createTelegramBot({
      token: TEST_TOKEN,
      baseUrl: sandbox.url,
      store: createMemoryStore(),
      topics: TEST_TOPICS,
      noticeVersion: '1',
      privacyUrl: 'https://example.org/privacy',
      comuneName: 'Comune di Prova',
    });
    try {
      const poller = start(bot);
      const error = await poller.done.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(isChannelError(error)).toBe(true);
      expect((error as { code: string }).code).toBe('AUTH_FAILED');
      expect(`${(error as Error).message} ${(error as Error).stack} ${JSON.stringify(error)}`).not.toContain(
        TEST_TOKEN.split(':')[1]!,
      );
      expect(poller.events.at(-1)).toEqual({ type: 'stopped', reason: 'fatal', code: 'AUTH_FAILED' });
    } finally {
      await bot.close();
      await sandbox.close();
    }
  });

  it('does not confirm an update the store could not take, and processes it after a backoff', async () => {
    const real = createMemoryStore();
    let failures = 2;
    const flaky: Store = {
      ...real,
      subscribe: (...args) => (failures-- > 0 ? Promise.reject(new Error('locked')) : real.subscribe(...args)),
    };
    rig = await createBotRig({ store: flaky });
    const poller = start(rig.bot);
    await rig.sandbox.sendUserMessage(222, '/start');
    await rig.sandbox.waitForMessages((messages) => messages.some((message) => message.chatId === 222));
    await waitUntil(() => rig!.bot.stats.handled === 1);
    expect((await real.findSubscriber('telegram', '222'))?.status).toBe('active');
    expect(poller.events.filter((event) => event.type === 'poll-error')).toEqual([
      expect.objectContaining({ code: 'STORE_FAILED' }),
      expect.objectContaining({ code: 'STORE_FAILED' }),
    ]);
    expect(rig.bot.stats).toMatchObject({ failed: 2, handled: 1 });
  });
});

describe('long polling: backoff (MockAgent, manual clock)', () => {
  const API = 'https://api.telegram.org';

  it('waits retry_after on 429 and backs off exponentially with jitter on 5xx', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get(API);
    pool.intercept({ path: `/bot${TEST_TOKEN}/deleteWebhook`, method: 'POST' }).reply(200, { ok: true, result: true });
    const getUpdates = { path: `/bot${TEST_TOKEN}/getUpdates`, method: 'POST' };
    pool.intercept(getUpdates).reply(429, {
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 4',
      parameters: { retry_after: 4 },
    });
    pool.intercept(getUpdates).reply(502, 'Bad Gateway');
    pool.intercept(getUpdates).reply(502, 'Bad Gateway');
    // Like Telegram, hold an empty answer for a while (an instant one would make the loop spin).
    pool.intercept(getUpdates).reply(200, { ok: true, result: [] }).delay(50).persist();
    const clock = createManualClock();
    const bot = createTelegramBot({
      token: TEST_TOKEN,
      dispatcher: agent,
      store: createMemoryStore(),
      topics: TEST_TOPICS,
      noticeVersion: '1',
      privacyUrl: 'https://example.org/privacy',
      comuneName: 'Comune di Prova',
    });
    const poller = start(bot, { clock, backoffMs: 1000, random: () => 1 });
    await waitUntil(() => clock.pending === 1);
    expect(poller.events).toEqual([{ type: 'poll-error', code: 'RATE_LIMITED', retryInMs: 4000 }]);
    clock.advance(4000);
    await waitUntil(() => poller.events.length === 2 && clock.pending === 1);
    clock.advance(1000);
    await waitUntil(() => poller.events.length === 3 && clock.pending === 1);
    expect(poller.events.slice(1)).toEqual([
      { type: 'poll-error', code: 'PROVIDER_UNAVAILABLE', retryInMs: 1000 },
      { type: 'poll-error', code: 'PROVIDER_UNAVAILABLE', retryInMs: 2000 },
    ]);
    clock.advance(2000);
    await waitUntil(() => poller.events.some((event) => event.type === 'poll'));
    poller.controller.abort();
    await poller.done;
    await bot.close();
    await agent.close();
  });

  it('validates its options', async () => {
    rig = await createBotRig();
    await expect(
      startTelegramPolling(rig.bot, { signal: new AbortController().signal, timeoutSeconds: 500 }),
    ).rejects.toSatisfy(isConfigError);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
