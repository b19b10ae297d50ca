import { createMemoryStore, type Store } from '@banditore/core';
import { createTelegramSandbox, type TelegramSandbox } from '../sandbox/index.js';
import { createTelegramBot, type TelegramBot } from '../telegram-bot.js';
import type { TelegramBotEvent } from '../bot-events.js';
import type { TelegramBotOptions } from '../bot-options.js';

/** A token in BotFather's format for tests (the sandbox accepts any such token). */
export const TEST_TOKEN = '700000001:sandbox-test-token_0123456789abcdef';

/** The topics the tests configure. */
export const TEST_TOPICS = [
  { id: 'meteo', label: { it: 'Meteo', en: 'Weather' } },
  { id: 'viabilita', label: { it: 'Viabilità', en: 'Traffic' } },
  { id: 'eventi', label: 'Eventi' },
  { id: 'protezione-civile', label: { it: 'Protezione civile', en: 'Civil protection' } },
];

/** A sandbox, a memory store and a bot wired together, for the receiving tests. */
export interface BotRig {
  sandbox: TelegramSandbox;
  store: Store;
  bot: TelegramBot;
  events: TelegramBotEvent[];
  close(): Promise<void>;
}

/**
 * Starts a sandbox and a bot talking to it.
 *
 * @param overrides - Bot options to change.
 * @returns The rig.
 */
export async function createBotRig(overrides: Partial<TelegramBotOptions> = {}): Promise<BotRig> {
  // Conversation tests reply to each command a citizen sends back to back; Telegram tolerates
  // replies in a conversation, so the per-chat spacing (a broadcast concern, tested with the
  // channel) is off here. The global limit and the penalty stay.
  const sandbox = await createTelegramSandbox({ limits: { privateChatIntervalMs: 0 } });
  const store = createMemoryStore();
  const events: TelegramBotEvent[] = [];
  const bot = createTelegramBot({
    token: TEST_TOKEN,
    baseUrl: sandbox.url,
    store,
    topics: TEST_TOPICS,
    noticeVersion: '2026-03',
    privacyUrl: 'https://www.comune.jesi.an.it/privacy',
    comuneName: 'Comune di Jesi',
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  return {
    sandbox,
    store,
    bot,
    events,
    async close() {
      await bot.close();
      await sandbox.close();
    },
  };
}
