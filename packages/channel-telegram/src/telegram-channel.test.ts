import { announcementSchema, isConfigError, type AnnouncementInput } from '@banditore/core';
import { createManualClock, sampleAnnouncement } from '@banditore/core/testing';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it, test } from 'vitest';
import { createTelegramChannel, createTelegramChannelPost } from './telegram-channel.js';

const TOKEN = '123456789:AAH-unit-test-token_abcdefghijklmno';
const API = 'https://api.telegram.org';
const signal = (): AbortSignal => new AbortController().signal;

interface Call {
  method: string;
  body: Record<string, unknown>;
}

let agent: MockAgent;
let calls: Call[];

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  calls = [];
});
afterEach(async () => {
  await agent.close();
});

/** Answers the next `times` calls of `method` with `answer`, recording each request body. */
function answer(
  method: string,
  answerFor: (body: Record<string, unknown>) => { status: number; body: object },
  times = 1,
  origin = API,
  prefix = '',
): void {
  agent
    .get(origin)
    .intercept({ path: `${prefix}/bot${TOKEN}/${method}`, method: 'POST' })
    .reply((options) => {
      const body = JSON.parse(options.body as string) as Record<string, unknown>;
      calls.push({ method, body });
      const { status, body: data } = answerFor(body);
      return { statusCode: status, data, responseOptions: { headers: { 'content-type': 'application/json' } } };
    })
    .times(times);
}
const sent = (messageId: number) => () => ({
  status: 200,
  body: { ok: true, result: { message_id: messageId, date: 0, chat: { id: 1, type: 'private' } } },
});

const longAnnouncement = (input: Partial<AnnouncementInput> = {}) =>
  announcementSchema.parse({
    id: 'lungo',
    severity: 'moderate',
    content: {
      it: {
        headline: 'Avviso lungo',
        body: `${'Prima parte del testo. '.repeat(150)}\n\n${'Seconda parte. '.repeat(150)}`,
      },
    },
    ...input,
  });

describe('unit: createTelegramChannel', () => {
  it('POSTs sendMessage as JSON to /bot<token>/sendMessage with HTML, no preview, and silence for minor news', async () => {
    answer('sendMessage', sent(77));
    const channel = createTelegramChannel({ token: TOKEN, dispatcher: agent });
    const result = await channel.send('123456789', channel.render(sampleAnnouncement(), 'it') as never, {
      signal: signal(),
    });
    expect(result).toEqual({ ok: true, providerMessageId: '77' });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toMatchObject({
      chat_id: 123456789,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      disable_notification: true,
    });
    expect(calls[0]!.body.text).toContain('<b>Gli eventi della settimana</b>');
    expect(calls[0]!.body).not.toHaveProperty('allow_paid_broadcast');
  });

  it('charges a split message one rate-limit grant per part', async () => {
    const channel = createTelegramChannel({ token: TOKEN, dispatcher: agent });
    const short = await channel.render(sampleAnnouncement(), 'it');
    const long = await channel.render(
      sampleAnnouncement({ content: { it: { headline: 'Lungo', body: 'Una frase di prova.\n\n'.repeat(800) } } }),
      'it',
    );
    expect(channel.cost?.(short)).toBe(1);
    expect(long.parts.length).toBeGreaterThan(1);
    expect(channel.cost?.(long)).toBe(long.parts.length);
  });

  it('does not start a send whose signal is already aborted', async () => {
    const channel = createTelegramChannel({ token: TOKEN, dispatcher: agent });
    const controller = new AbortController();
    controller.abort();
    const result = await channel.send('42', await channel.render(sampleAnnouncement(), 'it'), {
      signal: controller.signal,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'NETWORK_ERROR' } });
    expect(calls).toHaveLength(0);
  });

  it('sends usernames as strings, keeps a base path, and sets allow_paid_broadcast for paid broadcasts', async () => {
    answer('sendMessage', sent(1), 1, 'http://127.0.0.1:8081', '/telegram');
    const channel = createTelegramChannel({
      token: TOKEN,
      dispatcher: agent,
      baseUrl: 'http://127.0.0.1:8081/telegram/',
      paidBroadcast: true,
      silentBelow: 'unknown',
    });
    const result = await channel.send('@comune_jesi', await channel.render(sampleAnnouncement(), 'it'), {
      signal: signal(),
    });
    expect(result.ok).toBe(true);
    expect(calls[0]!.body).toMatchObject({ chat_id: '@comune_jesi', allow_paid_broadcast: true });
    expect(calls[0]!.body).not.toHaveProperty('disable_notification');
    expect(channel.limits).toEqual({
      ratePerSecond: 1000,
      concurrency: 100,
      perRecipientIntervalMs: 1000,
      shared: [{ key: 'telegram-bot:123456789:paid', ratePerSecond: 1000 }],
    });
  });

  test.each([
    [
      'fan-out defaults',
      createTelegramChannel,
      {},
      'telegram',
      {
        ratePerSecond: 30,
        concurrency: 30,
        perRecipientIntervalMs: 1000,
        shared: [{ key: 'telegram-bot:123456789', ratePerSecond: 30 }],
      },
    ],
    [
      'channel post defaults',
      createTelegramChannelPost,
      {},
      'telegram-channel',
      {
        ratePerSecond: 1,
        concurrency: 1,
        perRecipientIntervalMs: 3000,
        shared: [{ key: 'telegram-bot:123456789', ratePerSecond: 30 }],
      },
    ],
    [
      'overrides',
      createTelegramChannel,
      { name: 'telegram-jesi', limits: { ratePerSecond: 20, burst: 2 } },
      'telegram-jesi',
      {
        ratePerSecond: 20,
        concurrency: 30,
        burst: 2,
        perRecipientIntervalMs: 1000,
        shared: [{ key: 'telegram-bot:123456789', ratePerSecond: 30 }],
      },
    ],
    [
      'limits off',
      createTelegramChannel,
      { limits: { ratePerSecond: Infinity, perRecipientIntervalMs: 0 } },
      'telegram',
      { ratePerSecond: Infinity, concurrency: 30, perRecipientIntervalMs: 0, shared: [] },
    ],
  ])('%s', (_name, factory, options, name, limits) => {
    const channel = factory({ token: TOKEN, dispatcher: agent, ...options });
    expect(channel.name).toBe(name);
    expect(channel.limits).toEqual(limits);
  });

  test.each([
    ['a missing token', {}, 'token'],
    ['a malformed token', { token: 'not-a-token-SECRET' }, 'token'],
    ['a non-http base URL', { token: TOKEN, baseUrl: 'ftp://api.telegram.org' }, 'baseUrl'],
    ['zero concurrency', { token: TOKEN, limits: { concurrency: 0 } }, 'limits.concurrency'],
    ['a negative rate', { token: TOKEN, limits: { ratePerSecond: -1 } }, 'limits.ratePerSecond'],
    ['an unknown severity', { token: TOKEN, silentBelow: 'loud' }, 'silentBelow'],
    ['an unknown time zone', { token: TOKEN, timeZone: 'Mars/Olympus' }, 'timeZone'],
    ['a name with spaces', { token: TOKEN, name: 'my channel' }, 'name'],
    ['a dispatcher that is not one', { token: TOKEN, dispatcher: {} }, 'dispatcher'],
  ])('rejects %s with a ConfigError naming the field, never the value', (_name, options, field) => {
    let caught: unknown;
    try {
      createTelegramChannel(options as never);
    } catch (error) {
      caught = error;
    }
    expect(isConfigError(caught)).toBe(true);
    expect((caught as { fields: string[] }).fields).toContain(field);
    expect(String((caught as Error).message)).not.toContain('SECRET');
  });

  it('spaces the parts of a split message by perRecipientIntervalMs on the injected clock', async () => {
    const clock = createManualClock();
    answer(
      'sendMessage',
      (body) => ({ status: 200, body: { ok: true, result: { message_id: calls.length, chat: { id: body.chat_id } } } }),
      2,
    );
    const channel = createTelegramChannel({ token: TOKEN, dispatcher: agent, clock });
    const message = await channel.render(longAnnouncement(), 'it');
    expect(message.parts).toHaveLength(2);
    const pending = channel.send('42', message, { signal: signal() });
    await waitUntil(() => calls.length === 1 && clock.pending === 1);
    clock.advance(999);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toHaveLength(1);
    clock.advance(1);
    expect(await pending).toEqual({ ok: true, providerMessageId: '1' });
    expect(calls).toHaveLength(2);
  });

  it('after a 429 on the second part, the retry sends only the remaining part and reports the first id', async () => {
    const channel = createTelegramChannel({ token: TOKEN, dispatcher: agent, limits: { perRecipientIntervalMs: 0 } });
    const message = await channel.render(longAnnouncement(), 'it');
    answer('sendMessage', sent(10));
    answer('sendMessage', () => ({
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 2',
        parameters: { retry_after: 2 },
      },
    }));
    const first = await channel.send('42', message, { signal: signal() });
    expect(first.ok).toBe(false);
    expect(first.ok ? undefined : [first.error.code, first.error.retryAfterMs]).toEqual(['RATE_LIMITED', 2000]);
    answer('sendMessage', sent(11));
    const retry = await channel.send('42', message, { signal: signal() });
    expect(retry).toEqual({ ok: true, providerMessageId: '10' });
    expect(calls.map((call) => (call.body.text as string).slice(0, 12))).toEqual([
      (message.parts[0] as { text: string }).text.slice(0, 12),
      (message.parts[1] as { text: string }).text.slice(0, 12),
      (message.parts[1] as { text: string }).text.slice(0, 12),
    ]);
    // Another recipient of the same rendered message starts from the first part.
    answer('sendMessage', sent(1), 2);
    expect(await channel.send('43', message, { signal: signal() })).toEqual({ ok: true, providerMessageId: '1' });
  });

  it('a chat gone after the first part is dropped and forgotten (no resume state kept)', async () => {
    const channel = createTelegramChannel({ token: TOKEN, dispatcher: agent, limits: { perRecipientIntervalMs: 0 } });
    const message = await channel.render(longAnnouncement(), 'it');
    answer('sendMessage', sent(10));
    answer('sendMessage', () => ({
      status: 403,
      body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
    }));
    const result = await channel.send('42', message, { signal: signal() });
    expect(result.ok ? undefined : result.error.code).toBe('RECIPIENT_GONE');
    answer('sendMessage', sent(20), 2);
    expect(await channel.send('42', message, { signal: signal() })).toEqual({ ok: true, providerMessageId: '20' });
    expect(calls).toHaveLength(4);
  });

  it('an abort while waiting between parts resolves NETWORK_ERROR and the retry resumes', async () => {
    const clock = createManualClock();
    const channel = createTelegramChannel({ token: TOKEN, dispatcher: agent, clock });
    const message = await channel.render(longAnnouncement(), 'it');
    answer('sendMessage', sent(5));
    const controller = new AbortController();
    const pending = channel.send('42', message, { signal: controller.signal });
    await waitUntil(() => calls.length === 1 && clock.pending === 1);
    controller.abort(new Error('cancelled'));
    const result = await pending;
    expect(result.ok ? undefined : result.error.code).toBe('NETWORK_ERROR');
    answer('sendMessage', sent(6));
    expect(await channel.send('42', message, { signal: signal() })).toEqual({ ok: true, providerMessageId: '5' });
    expect(calls).toHaveLength(2);
  });

  it('an ok answer without a message id is PROVIDER_RESPONSE_INVALID', async () => {
    answer('sendMessage', () => ({ status: 200, body: { ok: true, result: true } }));
    const channel = createTelegramChannel({ token: TOKEN, dispatcher: agent });
    const result = await channel.send('42', await channel.render(sampleAnnouncement(), 'it'), { signal: signal() });
    expect(result.ok ? undefined : result.error.code).toBe('PROVIDER_RESPONSE_INVALID');
  });

  it('keeps the token out of network errors, even when the underlying error quotes the URL', async () => {
    agent
      .get(API)
      .intercept({ path: `/bot${TOKEN}/sendMessage`, method: 'POST' })
      .replyWithError(new Error(`connect ECONNREFUSED ${API}/bot${TOKEN}/sendMessage`));
    const channel = createTelegramChannel({ token: TOKEN, dispatcher: agent });
    const result = await channel.send('42', await channel.render(sampleAnnouncement(), 'it'), { signal: signal() });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('NETWORK_ERROR');
    const everything = [
      result.error.message,
      result.error.stack,
      JSON.stringify(result.error),
      String((result.error.cause as Error | undefined)?.message),
      String((result.error.cause as Error | undefined)?.stack),
    ].join('\n');
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(TOKEN.split(':')[1]!);
  });

  it('does not close a dispatcher it was given', async () => {
    const channel = createTelegramChannel({ token: TOKEN, dispatcher: agent });
    await channel.close?.();
    answer('sendMessage', sent(3));
    const again = createTelegramChannel({ token: TOKEN, dispatcher: agent });
    expect(await again.send('42', await again.render(sampleAnnouncement(), 'it'), { signal: signal() })).toEqual({
      ok: true,
      providerMessageId: '3',
    });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
