import { createManualClock } from '@banditore/core/testing';
import { request } from 'undici';
import { afterEach, describe, expect, it, test } from 'vitest';
import { createTelegramSandbox, type TelegramSandbox, type TelegramSandboxOptions } from './index.js';

const TOKEN = '123456:sandbox-token-0123456789abcdef';
let sandbox: TelegramSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function open(options: TelegramSandboxOptions = {}): Promise<TelegramSandbox> {
  sandbox = await createTelegramSandbox(options);
  return sandbox;
}

async function call(
  method: string,
  params: object = {},
  token = TOKEN,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await request(`${sandbox!.url}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}

const send = (chatId: number | string, text = 'ciao', extra: object = {}) =>
  call('sendMessage', { chat_id: chatId, text, ...extra });

describe('sandbox: tokens and methods', () => {
  it('accepts any BotFather-shaped token and answers getMe like Telegram', async () => {
    await open();
    const me = await call('getMe');
    expect(me).toEqual({
      status: 200,
      body: {
        ok: true,
        result: expect.objectContaining({ is_bot: true, username: 'banditore_sandbox_bot' }) as unknown,
      },
    });
  });

  test.each([
    ['a malformed token', 'not-a-token', 404, 'Not Found'],
    ['a token other than the configured one', '999:another-valid-looking-token-000', 401, 'Unauthorized'],
  ])('answers %s with %i', async (_name, token, status, description) => {
    await open({ token: TOKEN });
    expect(await call('getMe', {}, token)).toEqual({ status, body: { ok: false, error_code: status, description } });
  });

  it('answers unknown methods with 404 and treats method names case-insensitively', async () => {
    await open();
    expect((await call('sendCarrierPigeon')).status).toBe(404);
    expect((await call('GETME')).status).toBe(200);
  });
});

describe('sandbox: spec validation', () => {
  test.each([
    ['a missing chat_id', { text: 'x' }, 'Bad Request: chat_id is empty'],
    ['a missing text', { chat_id: 1 }, 'Bad Request: message text is empty'],
    [
      'an empty text after parsing',
      { chat_id: 1, text: '<b> </b>', parse_mode: 'HTML' },
      'Bad Request: message text is empty',
    ],
    [
      'a boolean chat_id',
      { chat_id: true, text: 'x' },
      'Bad Request: field "chat_id" must be of type Integer or String',
    ],
    [
      'a string for a boolean',
      { chat_id: 1, text: 'x', disable_notification: 'yes' },
      'Bad Request: field "disable_notification" must be of type Boolean',
    ],
    [
      'a misspelt parameter',
      { chat_id: 1, text: 'x', disable_notifications: true },
      'Bad Request: unknown parameter "disable_notifications"',
    ],
    [
      'a nested unknown field',
      { chat_id: 1, text: 'x', link_preview_options: { is_disabled: true, colour: 'red' } },
      'Bad Request: unknown parameter "link_preview_options.colour"',
    ],
    [
      'a button without text',
      { chat_id: 1, text: 'x', reply_markup: { inline_keyboard: [[{ callback_data: 'a' }]] } },
      'Bad Request: field "reply_markup" must be of type InlineKeyboardMarkup or ReplyKeyboardMarkup or ReplyKeyboardRemove or ForceReply',
    ],
    ['text over 4,096 characters', { chat_id: 1, text: 'x'.repeat(4097) }, 'Bad Request: message is too long'],
    [
      'an unsupported parse mode',
      { chat_id: 1, text: 'x', parse_mode: 'BBCode' },
      'Bad Request: unsupported parse_mode "BBCode"',
    ],
  ])('rejects %s', async (_name, params, description) => {
    await open();
    expect(await call('sendMessage', params)).toEqual({
      status: 400,
      body: { ok: false, error_code: 400, description },
    });
    expect(sandbox!.messages).toHaveLength(0);
  });

  test.each([
    ['an unescaped <', 'a < b', /^Bad Request: can't parse entities: Unclosed start tag at byte offset 2$/],
    [
      'a comparison after a two-byte letter',
      'è 3 < 4 > 2',
      /^Bad Request: can't parse entities: Unexpected character in start tag at byte offset 5$/,
    ],
    ['an unknown tag', '<script>x</script>', /Unsupported start tag "script" at byte offset 0/],
    ['an unclosed tag', '<b>bold', /Can't find end tag corresponding to start tag "b"/],
    ['crossed tags', '<b><i>x</b></i>', /Unmatched end tag, expected "<\/i>", found "<\/b>"/],
    ['an a without href', '<a>x</a>', /Tag "a" must have an href attribute/],
  ])('rejects HTML with %s as Telegram does', async (_name, text, pattern) => {
    await open();
    const answer = await send(1, text, { parse_mode: 'HTML' });
    expect(answer.status).toBe(400);
    expect(answer.body.description).toMatch(pattern);
  });

  it('counts the 4,096 limit on visible text, after entities are parsed', async () => {
    await open();
    const text = `<b>${'&lt;'.repeat(4096)}</b>`;
    expect((await send(1, text, { parse_mode: 'HTML' })).status).toBe(200);
    expect(sandbox!.messages[0]!.text).toBe('<'.repeat(4096));
  });

  it('takes form-encoded parameters with JSON-serialised objects, as Telegram does', async () => {
    await open();
    const response = await request(`${sandbox!.url}/bot${TOKEN}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        chat_id: '-100200300',
        text: 'ciao',
        disable_notification: 'true',
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'a', callback_data: 'b' }]] }),
      }).toString(),
    });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    expect(sandbox!.messages[0]).toMatchObject({
      chatId: -100200300,
      silent: true,
      replyMarkup: { inline_keyboard: [[{ text: 'a', callback_data: 'b' }]] },
    });
  });

  it('refuses uploads and oversized bodies', async () => {
    await open();
    const multipart = await request(`${sandbox!.url}/bot${TOKEN}/sendPhoto`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: '--x--',
    });
    expect(multipart.statusCode).toBe(400);
    await multipart.body.dump();
    const huge = await request(`${sandbox!.url}/bot${TOKEN}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(11 * 1024 * 1024),
    });
    expect(huge.statusCode).toBe(413);
    await huge.body.dump();
  });
});

describe('sandbox: limits, counted on arrival in exact sliding windows', () => {
  const TOO_MANY = (retryAfter: number) => ({
    status: 429,
    body: {
      ok: false,
      error_code: 429,
      description: `Too Many Requests: retry after ${retryAfter}`,
      parameters: { retry_after: retryAfter },
    },
  });

  it('refuses the 31st send in a sliding second, then the whole bot for the 3 s penalty', async () => {
    const clock = createManualClock();
    await open({ clock });
    for (let chat = 1; chat <= 30; chat++) {
      expect((await send(chat)).status).toBe(200);
      clock.advance(10);
    }
    // 30 arrivals in (now − 1000, now]: the 31st breaks the limit even 700 ms later.
    clock.advance(400);
    expect(await send(31)).toEqual(TOO_MANY(3));
    clock.advance(2_999);
    expect(await send(32)).toEqual(TOO_MANY(1)); // every chat waits out the penalty
    clock.advance(1);
    expect((await send(33)).status).toBe(200);
    expect(sandbox!.stats).toMatchObject({
      sent: 31,
      rateLimited: { global: 1, chat: 0, group: 0, penalty: 1, seededWait: 0, seeded: 0 },
      clientRateLimited: 2,
      maxPerSecond: 31,
    });
  });

  it('counts the window exactly: a send a full second after the first of 30 is fine', async () => {
    const clock = createManualClock();
    await open({ clock });
    for (let chat = 1; chat <= 30; chat++) expect((await send(chat)).status).toBe(200);
    clock.advance(999);
    expect((await send(31)).status).toBe(429);
    sandbox!.reset();
    for (let chat = 1; chat <= 30; chat++) expect((await send(chat)).status).toBe(200);
    clock.advance(1_000);
    expect((await send(31)).status).toBe(200);
  });

  it('allows one send per private chat per second, and punishes the whole bot for a second one', async () => {
    const clock = createManualClock();
    await open({ clock });
    expect((await send(7)).status).toBe(200);
    clock.advance(999);
    expect(await send(7)).toEqual(TOO_MANY(3));
    expect((await send(8)).status).toBe(429);
    clock.advance(3_000);
    expect((await send(7)).status).toBe(200);
    expect((await send(8)).status).toBe(200);
    expect(sandbox!.stats.rateLimited).toMatchObject({ chat: 1, penalty: 1 });
    expect(sandbox!.stats.maxPerChatPerSecond).toBe(2);
  });

  it('allows 20 posts per sliding minute to a channel', async () => {
    const clock = createManualClock();
    await open({ clock, channels: ['@comune_jesi'] });
    for (let post = 0; post < 20; post++) {
      expect((await send('@comune_jesi')).status).toBe(200);
      clock.advance(2_000);
    }
    expect((await send('@comune_jesi')).status).toBe(429);
    expect(sandbox!.stats.rateLimited.group).toBe(1);
    clock.advance(3_000 + 20_000);
    expect((await send('@comune_jesi')).status).toBe(200);
  });

  it('sends without limits when told, still measuring the busiest second', async () => {
    await open({ limits: false });
    const answers = await Promise.all(Array.from({ length: 100 }, (_, index) => send(1 + (index % 2))));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(sandbox!.stats.maxPerSecond).toBeGreaterThan(30);
  });
});

describe('sandbox: latency and seeded faults', () => {
  const SEED = 4242;

  it(`serves 500s, 502s, drops, slow answers and stray 429s as seeded (seed ${SEED})`, async () => {
    const faults = { serverError: 0.1, badGateway: 0.1, drop: 0.1, slow: 0.1, slowMs: 50, tooManyRequests: 0.1 };
    const outcomes = async (): Promise<string[]> => {
      await open({ limits: false, faults, seed: SEED, latencyMs: [1, 5] });
      const seen: string[] = [];
      for (let chat = 1; chat <= 60; chat++) {
        try {
          seen.push(String((await send(chat)).status));
        } catch {
          seen.push('dropped');
        }
      }
      const stats = sandbox!.stats;
      await sandbox!.close();
      sandbox = undefined;
      expect(stats.faults.drop).toBe(seen.filter((outcome) => outcome === 'dropped').length);
      expect(stats.rateLimited.seeded).toBe(seen.filter((outcome) => outcome === '429').length);
      expect(stats.clientRateLimited).toBe(0);
      // Dropped and slow answers were accepted: the message landed although the answer was lost or late.
      expect(stats.sent).toBe(seen.filter((outcome) => outcome === '200' || outcome === 'dropped').length);
      return seen;
    };
    const first = await outcomes();
    expect(new Set(first)).toEqual(new Set(['200', '500', '502', '429', 'dropped']));
    expect(await outcomes()).toEqual(first);
  });
});

describe('sandbox: unreachable chats', () => {
  test.each([
    ['blocked', (s: TelegramSandbox) => s.blockBot(5), 403, 'Forbidden: bot was blocked by the user', undefined],
    ['deactivated', (s: TelegramSandbox) => s.deactivateUser(5), 403, 'Forbidden: user is deactivated', undefined],
    ['deleted', (s: TelegramSandbox) => s.deleteChat(5), 400, 'Bad Request: chat not found', undefined],
    [
      'migrated',
      (s: TelegramSandbox) => s.migrateChat(5, -1009988776655),
      400,
      'Bad Request: group chat was upgraded to a supergroup chat',
      { migrate_to_chat_id: -1009988776655 },
    ],
  ])('a %s chat answers like Telegram', async (_name, arrange, code, description, parameters) => {
    await open();
    await Promise.resolve(arrange(sandbox!));
    expect(await send(5)).toEqual({
      status: code,
      body: { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) },
    });
    sandbox!.restoreChat(5);
    expect((await send(5)).status).toBe(200);
  });

  it('knows only registered channel usernames, and a bot removed from one', async () => {
    await open({ channels: ['@comune_jesi'] });
    expect((await send('@comune_jesi')).status).toBe(200);
    expect(sandbox!.messages[0]!.chatId).toBeLessThan(-1_000_000_000_000);
    expect(await send('@altro_comune')).toEqual({
      status: 400,
      body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' },
    });
    sandbox!.removeBotFromChannel('@comune_jesi');
    expect((await send('@comune_jesi')).body.description).toBe('Forbidden: bot is not a member of the channel chat');
  });
});

describe('sandbox: updates, webhook and callbacks', () => {
  it('long-polls getUpdates, confirms with offset, and answers 409 to a second poller or while a webhook is set', async () => {
    await open();
    const waiting = call('getUpdates', { timeout: 5 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = call('getUpdates', { timeout: 5 });
    expect((await waiting).body).toMatchObject({ ok: false, error_code: 409 });
    await sandbox!.sendUserMessage(42, '/start meteo');
    const received = await second;
    const updates = received.body.result as Array<{
      update_id: number;
      message: { text: string; entities: unknown[] };
    }>;
    expect(updates).toHaveLength(1);
    expect(updates[0]!.message.text).toBe('/start meteo');
    expect(updates[0]!.message.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    expect((await call('getUpdates', { offset: updates[0]!.update_id + 1 })).body.result).toEqual([]);
    expect((await call('setWebhook', { url: 'https://example.org/hook' })).body).toMatchObject({
      ok: true,
      result: true,
    });
    expect((await call('getUpdates')).status).toBe(409);
    expect((await call('setWebhook', { url: 'https://example.org/hook', secret_token: 'bad secret!' })).status).toBe(
      400,
    );
  });

  it('answers each callback query once and edits only existing, changed keyboards', async () => {
    await open();
    const keyboard = { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] };
    const sent = await send(9, 'scegli', { reply_markup: keyboard });
    const messageId = (sent.body.result as { message_id: number }).message_id;
    await sandbox!.pressButton(9, messageId, 'a');
    const id = 'sandbox-callback-1';
    expect((await call('answerCallbackQuery', { callback_query_id: id, text: 'ok' })).status).toBe(200);
    expect((await call('answerCallbackQuery', { callback_query_id: id })).status).toBe(400);
    expect(sandbox!.callbackAnswers).toEqual([{ callbackQueryId: id, text: 'ok', showAlert: false }]);
    expect(
      (await call('editMessageReplyMarkup', { chat_id: 9, message_id: messageId, reply_markup: keyboard })).body
        .description,
    ).toMatch(/message is not modified/);
    const changed = { inline_keyboard: [[{ text: 'B', callback_data: 'b' }]] };
    expect(
      (await call('editMessageReplyMarkup', { chat_id: 9, message_id: messageId, reply_markup: changed })).status,
    ).toBe(200);
    expect(sandbox!.replyMarkupOf(9, messageId)).toEqual(changed);
    expect(
      (await call('editMessageReplyMarkup', { chat_id: 9, message_id: 999, reply_markup: changed })).body.description,
    ).toBe('Bad Request: message to edit not found');
  });

  it('keeps a bounded record of messages', async () => {
    await open({ recordLimit: 5, limits: false });
    for (let index = 0; index < 25; index++) await send(index + 1);
    expect(sandbox!.stats.sent).toBe(25);
    expect(sandbox!.messages.length).toBeGreaterThanOrEqual(5);
    expect(sandbox!.messages.length).toBeLessThan(10);
    expect(sandbox!.messages.at(-1)!.chatId).toBe(25);
  });
});
