import { serve, type RunningServer } from '@banditore/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxMessage } from './sandbox/index.js';
import { createBotRig, type BotRig } from './test/bot-rig.js';
import { createTelegramWebhookHandler } from './webhook.js';

const SECRET = 'bot-test-secret';
const CHAT = 987_654_321;

let rig: BotRig;
let server: RunningServer;

/** The bot behind a real webhook: the sandbox POSTs simulated citizens' updates to it. */
beforeEach(async () => {
  rig = await createBotRig();
  server = await serve(createTelegramWebhookHandler(rig.bot, { secretToken: SECRET }));
  const set = await rig.bot.setWebhook({ url: `${server.url}/telegram`, secretToken: SECRET });
  expect(set.ok).toBe(true);
});
afterEach(async () => {
  await server.close();
  await rig.close();
});

async function say(text: string, languageCode = 'it', chatId = CHAT): Promise<SandboxMessage> {
  const before = rig.sandbox.messagesTo(chatId).length;
  const delivery = await rig.sandbox.sendUserMessage(chatId, text, { languageCode });
  expect(delivery).toMatchObject({ via: 'webhook', status: 200 });
  const replies = rig.sandbox.messagesTo(chatId);
  expect(replies.length).toBe(before + 1);
  return replies[replies.length - 1]!;
}

async function press(messageId: number, data: string): Promise<string | undefined> {
  const before = rig.sandbox.callbackAnswers.length;
  expect(await rig.sandbox.pressButton(CHAT, messageId, data)).toMatchObject({ status: 200 });
  expect(rig.sandbox.callbackAnswers.length).toBe(before + 1);
  return rig.sandbox.callbackAnswers[before]!.text;
}

const subscriber = () => rig.store.findSubscriber('telegram', `${CHAT}`);
const buttons = (markup: unknown): string[] =>
  (markup as { inline_keyboard: Array<Array<{ text: string }>> }).inline_keyboard.flat().map((button) => button.text);

describe('bot: subscribing and leaving', () => {
  it('/start subscribes to everything with a consent record and welcomes in Italian', async () => {
    const reply = await say('/start');
    const saved = await subscriber();
    expect(saved).toMatchObject({ status: 'active', topics: [], language: 'it', channel: 'telegram' });
    expect(await rig.store.listConsent(saved!.id)).toEqual([
      expect.objectContaining({ kind: 'subscribed', method: 'command', noticeVersion: '2026-03', channel: 'telegram' }),
    ]);
    expect(reply.text).toContain('Sei iscritto agli avvisi del Comune di Jesi');
    expect(reply.text).toContain('tutti gli avvisi');
    expect(reply.raw).toContain('<a href="https://www.comune.jesi.an.it/privacy">');
    expect(reply.parseMode).toBe('HTML');
  });

  it('/start with a deep-link payload chooses topics', async () => {
    const reply = await say('/start meteo-protezione-civile');
    expect((await subscriber())?.topics).toEqual(['meteo', 'protezione-civile']);
    expect(reply.text).toContain('Riceverai: Meteo, Protezione civile.');
  });

  it('answers in English for an English-speaking user and stores the language', async () => {
    const reply = await say('/start viabilita', 'en-GB');
    expect((await subscriber())?.language).toBe('en');
    expect(reply.text).toContain('You are subscribed to the notices of Comune di Jesi');
    expect(reply.text).toContain('You will receive: Traffic.');
  });

  it('/stop unsubscribes at once with a consent record; a second /stop says so', async () => {
    await say('/start');
    const stopped = await say('/stop');
    const saved = await subscriber();
    expect(saved?.status).toBe('unsubscribed');
    expect((await rig.store.listConsent(saved!.id)).map((event) => event.kind)).toEqual(['subscribed', 'unsubscribed']);
    expect(stopped.text).toContain('Non riceverai più avvisi');
    expect((await say('/stop')).text).toContain('Non sei iscritto');
  });

  it('a blocked bot marks the subscriber unreachable; a new /start reactivates with the old topics', async () => {
    await say('/start eventi');
    await rig.sandbox.blockBot(CHAT, { notify: true });
    expect((await subscriber())?.status).toBe('unreachable');
    expect(rig.bot.stats.blocked).toBe(1);
    rig.sandbox.restoreChat(CHAT);
    await say('/start');
    expect(await subscriber()).toMatchObject({ status: 'active', topics: ['eventi'] });
  });
});

describe('bot: topics keyboard', () => {
  it('toggles topics, refuses to untick the last, and "all" resets to everything', async () => {
    await say('/start');
    const prompt = await say('/argomenti');
    expect(buttons(prompt.replyMarkup)).toEqual([
      '✅ Meteo',
      '✅ Viabilità',
      '✅ Eventi',
      '✅ Protezione civile',
      '✅ Tutti gli argomenti',
    ]);

    expect(await press(prompt.messageId, 't:meteo')).toBe('Non riceverai più: Meteo');
    expect((await subscriber())?.topics).toEqual(['viabilita', 'eventi', 'protezione-civile']);
    expect(buttons(rig.sandbox.replyMarkupOf(CHAT, prompt.messageId))).toEqual([
      '▫️ Meteo',
      '✅ Viabilità',
      '✅ Eventi',
      '✅ Protezione civile',
      '▫️ Tutti gli argomenti',
    ]);

    for (const topic of ['viabilita', 'eventi']) await press(prompt.messageId, `t:${topic}`);
    expect((await subscriber())?.topics).toEqual(['protezione-civile']);
    expect(await press(prompt.messageId, 't:protezione-civile')).toBe('Tieni almeno un argomento, oppure usa /stop');
    expect((await subscriber())?.topics).toEqual(['protezione-civile']);

    expect(await press(prompt.messageId, 't:meteo')).toBe('Riceverai: Meteo');
    expect((await subscriber())?.topics).toEqual(['meteo', 'protezione-civile']);

    expect(await press(prompt.messageId, 't:*')).toBe('Riceverai tutti gli argomenti');
    expect((await subscriber())?.topics).toEqual([]);
    const saved = await subscriber();
    const kinds = (await rig.store.listConsent(saved!.id)).map((event) => event.kind);
    expect(kinds.filter((kind) => kind === 'topics-changed')).toHaveLength(5);
  });

  it('an unknown or stale topic button changes nothing', async () => {
    await say('/start meteo');
    const prompt = await say('/topics');
    expect(await press(prompt.messageId, 't:calcio')).toBe('Argomento non più disponibile');
    expect(await press(prompt.messageId, 'x:whatever')).toBeUndefined();
    expect((await subscriber())?.topics).toEqual(['meteo']);
  });

  it('asks non-subscribers to /start first, for the command and for a button', async () => {
    expect((await say('/argomenti')).text).toContain('Non sei iscritto');
    expect(await press(1, 't:meteo')).toBe('Non sei iscritto. Scrivi /start per ricevere gli avvisi.');
    expect(await subscriber()).toBeUndefined();
  });
});

describe('bot: language, help, privacy', () => {
  it('/lingua switches to English; later replies are in English', async () => {
    await say('/start');
    const prompt = await say('/lingua');
    expect(buttons(prompt.replyMarkup)).toEqual(['✅ 🇮🇹 Italiano', '🇬🇧 English']);
    expect(await press(prompt.messageId, 'l:en')).toBe('Language set: English');
    expect((await subscriber())?.language).toBe('en');
    expect(buttons(rig.sandbox.replyMarkupOf(CHAT, prompt.messageId))).toEqual(['🇮🇹 Italiano', '✅ 🇬🇧 English']);
    expect((await say('/help')).text).toContain('This is the notice service of Comune di Jesi');
  });

  it('/aiuto lists the commands and /privacy explains what is kept, with the notice version', async () => {
    const help = await say('/aiuto');
    for (const command of ['/start', '/argomenti', '/lingua', '/privacy', '/stop'])
      expect(help.text).toContain(command);
    const privacy = await say('/privacy');
    expect(privacy.text).toContain("versione dell'informativa: 2026-03");
    expect(privacy.raw).toContain('href="https://www.comune.jesi.an.it/privacy"');
    expect(await subscriber()).toBeUndefined();
  });

  it('answers anything else with a hint', async () => {
    expect((await say('ciao, quando passa il bus?')).text).toContain('/aiuto');
    expect((await say('/iscrivimi')).text).toContain('Non ho capito');
  });
});

describe('bot: privacy of events and failures of replies', () => {
  it('events and stats hold no chat id, name or text', async () => {
    await say('/start meteo');
    await say('/stop');
    const serialised = JSON.stringify([rig.events, rig.bot.stats]);
    expect(serialised).not.toContain(String(CHAT));
    expect(serialised).not.toContain('Cittadino');
    expect(serialised).not.toContain('meteo');
    expect(rig.events).toContainEqual({ type: 'update', outcome: 'handled', action: 'subscribed' });
  });

  it('counts a reply Telegram refused, and the subscription change still happens', async () => {
    rig.sandbox.deactivateUser(CHAT);
    const delivery = await rig.sandbox.sendUserMessage(CHAT, '/start');
    expect(delivery).toMatchObject({ status: 200 });
    expect((await subscriber())?.status).toBe('active');
    expect(rig.bot.stats.replyFailed).toBe(1);
    expect(rig.events).toContainEqual({ type: 'reply-failed', code: 'RECIPIENT_GONE' });
  });
});
