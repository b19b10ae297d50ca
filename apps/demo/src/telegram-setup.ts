import type { Store } from '@banditore/core';
import {
  createTelegramBot,
  createTelegramChannel,
  createTelegramChannelPost,
  registerChannelPostTarget,
  type TelegramBot,
  type TelegramChannel,
} from '@banditore/channel-telegram';
import { createTelegramSandbox, type TelegramSandbox } from '@banditore/channel-telegram/sandbox';
import { FIRST_CHAT_ID, NOTICE_VERSION, POPULATION, TOPICS, topicsOf } from './jesi.js';

/** The public channel the demo posts to in the sandbox. */
const SANDBOX_PUBLIC_CHANNEL = '@comune_jesi_avvisi';
/** Any token of BotFather's format is accepted by the sandbox. */
const SANDBOX_TOKEN = '123456789:sandbox-token-for-the-banditore-demo';

/** The Telegram side of the demo: channels, the citizens' bot, and the sandbox when there is no token. */
export interface TelegramSetup {
  channels: TelegramChannel[];
  bot: TelegramBot;
  sandbox: TelegramSandbox | undefined;
  /** What the broadcast will reach, for the intro. */
  describe: string;
  close(): Promise<void>;
}

/**
 * Builds the Telegram channels. Without `TELEGRAM_BOT_TOKEN` everything talks to a local Bot API
 * sandbox with Jesi-like numbers; with it, to the real Bot API, reaching `TELEGRAM_CHAT_ID`
 * (one chat) and/or `TELEGRAM_CHANNEL` (the comune's public channel, `@name`).
 */
export async function setUpTelegram(store: Store, env: NodeJS.ProcessEnv): Promise<TelegramSetup> {
  const token = env.TELEGRAM_BOT_TOKEN;
  const sandbox = token ? undefined : await createTelegramSandbox({ channels: [SANDBOX_PUBLIC_CHANNEL] });
  const common = { token: token ?? SANDBOX_TOKEN, ...(sandbox ? { baseUrl: sandbox.url } : {}) };
  const fanOut = createTelegramChannel(common);
  const post = createTelegramChannelPost(common);
  const bot = createTelegramBot({
    ...common,
    store,
    topics: TOPICS,
    noticeVersion: NOTICE_VERSION,
    privacyUrl: 'https://www.comune.jesi.an.it/privacy',
    comuneName: 'Jesi',
  });
  const consent = { method: 'import', noticeVersion: NOTICE_VERSION } as const;
  let describe: string;
  if (sandbox) {
    const citizens = Array.from({ length: POPULATION.subscribers }, (_, index) => ({
      channel: 'telegram',
      address: String(FIRST_CHAT_ID + index),
      topics: topicsOf(index),
      areas: [],
      language: index % 10 === 9 ? 'en' : 'it',
    }));
    await store.importSubscribers(citizens, consent);
    // Some citizens have since blocked the bot or deleted their account; two groups migrated.
    for (let index = 0; index < POPULATION.blocked; index++) await sandbox.blockBot(FIRST_CHAT_ID + index * 23 + 3);
    for (let index = 0; index < POPULATION.deleted; index++) sandbox.deactivateUser(FIRST_CHAT_ID + index * 97 + 11);
    for (let index = 0; index < POPULATION.migrated; index++) {
      sandbox.migrateChat(FIRST_CHAT_ID + index * 211 + 7, -(1_000_000_000_000 + index));
    }
    await registerChannelPostTarget(store, { address: SANDBOX_PUBLIC_CHANNEL, noticeVersion: NOTICE_VERSION });
    describe = `Telegram sandbox at ${sandbox.url}: ${POPULATION.subscribers} bot subscribers (${POPULATION.blocked} blocked the bot, ${POPULATION.deleted} deleted their account, ${POPULATION.migrated} groups migrated) and the public channel ${SANDBOX_PUBLIC_CHANNEL}`;
  } else {
    const targets: string[] = [];
    if (env.TELEGRAM_CHAT_ID) {
      await store.subscribe(
        { channel: 'telegram', address: env.TELEGRAM_CHAT_ID, topics: [], areas: [], language: 'it' },
        consent,
      );
      targets.push('one chat');
    }
    if (env.TELEGRAM_CHANNEL) {
      await registerChannelPostTarget(store, { address: env.TELEGRAM_CHANNEL, noticeVersion: NOTICE_VERSION });
      targets.push('the public channel');
    }
    describe = `the real Telegram Bot API: ${targets.join(' and ') || 'nobody yet (set TELEGRAM_CHAT_ID or TELEGRAM_CHANNEL)'}`;
  }
  return {
    channels: [fanOut, post],
    bot,
    sandbox,
    describe,
    async close() {
      await fanOut.close?.();
      await post.close?.();
      await sandbox?.close();
    },
  };
}
