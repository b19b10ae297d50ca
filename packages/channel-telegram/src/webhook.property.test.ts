import { createMemoryStore, type Store } from '@banditore/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { hostileText, jsonish } from '../../../vitest.arbitraries.js';
import { checkProperty, PROPERTY_TIMEOUT_MS } from '../../../vitest.property.js';
import type { TelegramBotEvent } from './bot-events.js';
import { createTelegramSandbox, type TelegramSandbox } from './sandbox/index.js';
import { createTelegramBot, type TelegramBot } from './telegram-bot.js';
import { createTelegramWebhookHandler, SECRET_HEADER } from './webhook.js';

const BOUNDARY = 'telegram webhook';
const TOKEN = '700000001:sandbox-test-token_0123456789abcdef';
const SECRET = 'webhook-secret_0123456789';
const URL_ = 'https://avvisi.example.it/telegram';
// Eight-digit chat ids, so any appearance of one in an event is unmistakable.
const FIRST_CHAT = 40_000_000;

interface Rig {
  sandbox: TelegramSandbox;
  store: Store;
  bot: TelegramBot;
  events: TelegramBotEvent[];
  handle: (request: Request) => Promise<Response>;
}

/** A bot on a memory store talking to a sandbox without rate limits (pacing is not under test here). */
async function createRig(): Promise<Rig> {
  const sandbox = await createTelegramSandbox({ limits: false });
  const store = createMemoryStore();
  const events: TelegramBotEvent[] = [];
  const bot = createTelegramBot({
    token: TOKEN,
    baseUrl: sandbox.url,
    store,
    topics: [
      { id: 'meteo', label: { it: 'Meteo', en: 'Weather' } },
      { id: 'viabilita', label: 'Viabilità' },
    ],
    noticeVersion: '2026-03',
    privacyUrl: 'https://www.comune.jesi.an.it/privacy',
    comuneName: 'Comune di Jesi',
    onEvent: (event) => events.push(event),
  });
  return { sandbox, store, bot, events, handle: createTelegramWebhookHandler(bot, { secretToken: SECRET }) };
}

const post = (body: BodyInit, secret: string | null = SECRET, method = 'POST'): Request =>
  new Request(URL_, {
    method,
    headers: secret === null ? {} : { [SECRET_HEADER]: secret },
    ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
  });

/** Asserts nothing secret or personal left through a response or an event. */
async function assertPrivate(rig: Rig, response: Response, chatIds: number[]): Promise<void> {
  const body = await response.text();
  const events = JSON.stringify(rig.events);
  for (const secret of [TOKEN, SECRET, 'SEKRET9431', ...chatIds.map(String)]) {
    if (body.includes(secret) || events.includes(secret)) throw new Error('a secret or a chat id left the webhook');
  }
}

const updateShaped = fc.record(
  {
    update_id: fc.oneof(fc.nat(), jsonish),
    message: fc.oneof(
      fc.record(
        {
          message_id: fc.oneof(fc.nat(), jsonish),
          date: fc.oneof(fc.nat(), jsonish),
          chat: fc.oneof(
            fc.record({
              id: fc.oneof(fc.integer({ min: FIRST_CHAT, max: FIRST_CHAT + 99 }), jsonish),
              type: fc.oneof(fc.constantFrom('private', 'group', 'supergroup', 'channel'), jsonish),
            }),
            jsonish,
          ),
          from: fc.oneof(fc.record({ id: fc.nat(), is_bot: fc.boolean(), language_code: hostileText(1) }), jsonish),
          text: fc.oneof(fc.constantFrom('/start', '/stop', '/start SEKRET9431', '/lingua'), hostileText(), jsonish),
        },
        { requiredKeys: [] },
      ),
      jsonish,
    ),
    callback_query: jsonish,
    my_chat_member: jsonish,
  },
  { requiredKeys: [] },
);

const anyBody = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  hostileText(),
  jsonish.map((value) => JSON.stringify(value) ?? ''),
  updateShaped.map((value) => JSON.stringify(value)),
);

const TEXTS = [
  '/start',
  '/start meteo-viabilita',
  '/stop',
  '/stop@banditore_sandbox_bot',
  '/aiuto',
  '/argomenti',
  'ciao SEKRET9431',
  '/nonesiste',
];

/** A short conversation: several chats, repeated update ids (Telegram's redeliveries), groups mixed in. */
const conversation = fc.array(
  fc.record({ id: fc.nat({ max: 6 }), chat: fc.nat({ max: 3 }), group: fc.boolean(), text: fc.constantFrom(...TEXTS) }),
  { minLength: 1, maxLength: 8 },
);

describe('telegram webhook under generated input', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await createRig();
  });
  afterAll(async () => {
    await rig.bot.close();
    await rig.sandbox.close();
  });

  it(
    'answers any body, method and secret with 200, 401, 405 or 413, never a 5xx, and leaks nothing',
    async () => {
      await checkProperty(
        BOUNDARY,
        'any request',
        fc.asyncProperty(
          anyBody,
          fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT'),
          fc.oneof(fc.constant(SECRET), fc.constant(null), fc.string({ unit: 'grapheme-ascii', maxLength: 30 })),
          async (body, method, secret) => {
            let request: Request;
            try {
              request = post(body as BodyInit, secret, method);
            } catch {
              return fc.pre(false);
            }
            const response = await rig.handle(request);
            const expected = method !== 'POST' ? [405] : secret !== SECRET ? [401] : [200, 413];
            if (!expected.includes(response.status)) throw new Error(`answered ${response.status}`);
            await assertPrivate(rig, response, []);
          },
        ),
        { test: 150, fuzz: 10_000 },
      );
      if (({} as Record<string, unknown>).polluted !== undefined) throw new Error('Object.prototype was polluted');
    },
    PROPERTY_TIMEOUT_MS,
  );

  let run = 0;
  it(
    'changes consent exactly as documented and handles each update id once',
    async () => {
      await checkProperty(
        BOUNDARY,
        'conversations',
        fc.asyncProperty(conversation, async (steps) => {
          // Each run gets its own chats and update ids on the shared bot.
          run++;
          const chatBase = FIRST_CHAT + 1_000 + run * 10;
          const idBase = 10_000_000 + run * 100;
          const before = { ...rig.bot.stats };
          const sentBefore = rig.sandbox.stats.sent;
          const seen = new Set<number>();
          const expected = new Map<number, 'active' | 'unsubscribed'>();
          let replies = 0;
          for (const step of steps) {
            const chatId = step.group ? -(chatBase + step.chat) : chatBase + step.chat;
            const update = {
              update_id: idBase + step.id,
              message: {
                message_id: step.id + 1,
                date: 1,
                chat: { id: chatId, type: step.group ? 'group' : 'private' },
                from: { id: chatBase + step.chat, is_bot: false, first_name: 'A' },
                text: step.text,
              },
            };
            const response = await rig.handle(post(JSON.stringify(update)));
            if (response.status !== 200) throw new Error(`answered ${response.status}`);
            await assertPrivate(rig, response, [chatBase + step.chat]);
            if (seen.has(step.id)) continue;
            seen.add(step.id);
            if (step.group) continue;
            replies++;
            const now = expected.get(chatId);
            if (step.text.startsWith('/start')) expected.set(chatId, 'active');
            else if (step.text.startsWith('/stop') && now === 'active') expected.set(chatId, 'unsubscribed');
          }
          for (let chat = 0; chat <= 3; chat++) {
            for (const chatId of [chatBase + chat, -(chatBase + chat)]) {
              const status = (await rig.store.findSubscriber('telegram', `${chatId}`))?.status;
              if (status !== expected.get(chatId))
                throw new Error(`chat ${chat}: ${status} instead of ${expected.get(chatId)}`);
            }
          }
          const stats = rig.bot.stats;
          if (stats.duplicate - before.duplicate !== steps.length - seen.size)
            throw new Error('a replay was processed');
          if (rig.sandbox.stats.sent - sentBefore !== replies) {
            throw new Error(`${rig.sandbox.stats.sent - sentBefore} replies for ${replies} private messages`);
          }
        }),
        { test: 40, fuzz: 3_000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
