/**
 * The Telegram figures of `npm run bench`:
 *
 * - `telegram_600_seconds`: a 600-recipient broadcast through the broadcaster and the Telegram
 *   channel against the Telegram sandbox at Telegram's limits (30 messages/s, 1/s per chat, real
 *   429s), from publish to the final report; with `telegram_600_bound_seconds`, the least time
 *   those limits allow, and the busiest second and 429 count the sandbox saw.
 * - `telegram_overhead_ratio`: with limits off, deliveries/s through channel + broadcaster over a
 *   bare undici Pool loop sending the same requests to the same sandbox (in its own process), as
 *   the median of interleaved pairs.
 */
import { spawn } from 'node:child_process';
import {
  announcementSchema,
  createBroadcaster,
  createMemoryStore,
  type Store,
  type SubscriberInput,
} from '@banditore/core';
import { createTelegramChannel } from '@banditore/channel-telegram';
import { createTelegramSandbox } from '@banditore/channel-telegram/sandbox';
import { Pool } from 'undici';
import { runTelegramStrict } from './telegram-strict.js';

/** One benchmark figure (the shape the bench runner prints). */
interface TelegramFigure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  pass?: boolean;
}

const TOKEN = '700000001:bench-token_0123456789abcdefghij';
const RATE = 30;
const RECIPIENTS = 600;
const PAIRS = 5;

/**
 * Runs the Telegram benchmark section.
 *
 * @param options - `scale` shrinks the overhead workload (the 600-recipient run is the figure's
 *   definition and always sends 600); `onFigure` receives each figure.
 */
export async function runTelegramBench(options: {
  scale: number;
  onFigure: (figure: TelegramFigure) => void;
}): Promise<void> {
  await runTelegramStrict(options);
  await runSixHundred(options.onFigure);
  await runOverhead(Math.max(2_000, Math.round(20_000 * options.scale)), options.onFigure);
}

async function runSixHundred(onFigure: (figure: TelegramFigure) => void): Promise<void> {
  const sandbox = await createTelegramSandbox();
  const store = createMemoryStore();
  await seed(store, RECIPIENTS);
  const channel = createTelegramChannel({ token: TOKEN, baseUrl: sandbox.url });
  const broadcaster = createBroadcaster({ store, channels: [channel] });
  try {
    const started = performance.now();
    const report = await (await broadcaster.publish(announcement('telegram-600'))).done;
    const seconds = (performance.now() - started) / 1000;
    const sent = report.channels[0]?.sent ?? 0;
    if (sent !== RECIPIENTS) throw new Error(`the broadcast reached ${sent} of ${RECIPIENTS} chats`);
    // In any sliding second at most RATE messages: message k (from 0) leaves no earlier than floor(k / RATE) s.
    const bound = Math.ceil(RECIPIENTS / RATE) - 1;
    const stats = sandbox.stats;
    note(`600 chats in ${seconds.toFixed(2)} s; busiest second ${stats.maxPerSecond}; 429s ${stats.clientRateLimited}`);
    // Within 15% of the physical minimum: smooth pacing alone needs RECIPIENTS / RATE = 20 s.
    onFigure({
      name: 'telegram_600_seconds',
      value: round(seconds),
      unit: 's',
      target: `<= ${round(bound * 1.15)}`,
      pass: seconds <= bound * 1.15,
    });
    onFigure({ name: 'telegram_600_bound_seconds', value: bound, unit: 's' });
    onFigure({
      name: 'telegram_600_max_window',
      value: stats.maxPerSecond,
      unit: 'msg/s',
      target: `<= ${RATE}`,
      pass: stats.maxPerSecond <= RATE,
    });
    const limited = stats.clientRateLimited;
    onFigure({ name: 'telegram_600_rate_limited', value: limited, unit: '429s', target: '0', pass: limited === 0 });
  } finally {
    await broadcaster.close();
    await channel.close?.();
    await sandbox.close();
  }
}

async function runOverhead(total: number, onFigure: (figure: TelegramFigure) => void): Promise<void> {
  const sandbox = await startSandboxProcess();
  const store = createMemoryStore();
  await seed(store, total);
  const channel = createTelegramChannel({
    token: TOKEN,
    baseUrl: sandbox.url,
    limits: { ratePerSecond: Infinity, concurrency: 64, perRecipientIntervalMs: 0 },
  });
  const broadcaster = createBroadcaster({ store, channels: [channel] });
  // The bare loop sends exactly what the channel sends: the rendered text, HTML, silent, no preview.
  const rendered = await channel.render(announcementSchema.parse(announcement('render')), 'it');
  const first = rendered.parts[0]!;
  const text = first.method === 'sendMessage' ? first.text : first.caption;
  try {
    await bareLoop(sandbox.url, text, 2_000);
    await (
      await broadcaster.publish(announcement('telegram-warm-up'))
    ).done;
    const ratios: number[] = [];
    const bare: number[] = [];
    const ours: number[] = [];
    for (let pair = 0; pair < PAIRS; pair++) {
      const bareRate = await bareLoop(sandbox.url, text, total);
      const started = performance.now();
      const report = await (await broadcaster.publish(announcement(`telegram-overhead-${pair}`))).done;
      const rate = (report.channels[0]?.sent ?? 0) / ((performance.now() - started) / 1000);
      if (report.channels[0]?.sent !== total)
        throw new Error(`the broadcaster sent ${report.channels[0]?.sent} of ${total}`);
      bare.push(bareRate);
      ours.push(rate);
      ratios.push(rate / bareRate);
      note(
        `telegram pair ${pair + 1}: bare ${Math.round(bareRate)}/s, channel + broadcaster ${Math.round(rate)}/s, ratio ${(rate / bareRate).toFixed(3)}`,
      );
    }
    const ratio = median(ratios);
    onFigure({ name: 'telegram_overhead_bare_per_s', value: Math.round(median(bare)), unit: 'req/s' });
    onFigure({ name: 'telegram_overhead_per_s', value: Math.round(median(ours)), unit: 'msg/s' });
    onFigure({
      name: 'telegram_overhead_ratio',
      value: round(ratio),
      unit: 'ratio',
      target: '>= 0.8',
      pass: ratio >= 0.8,
    });
  } finally {
    await broadcaster.close();
    await channel.close?.();
    await sandbox.stop();
  }
}

/** 64 async workers over a 64-connection Pool, one sendMessage each, reply parsed: the raw ceiling. */
async function bareLoop(baseUrl: string, text: string, total: number): Promise<number> {
  const origin = new URL(baseUrl).origin;
  const pool = new Pool(origin, { connections: 64, pipelining: 1 });
  const path = `/bot${TOKEN}/sendMessage`;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < total) {
        const index = next++;
        const response = await pool.request({
          origin,
          path,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            chat_id: 100_000_000 + index,
            text,
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
            disable_notification: true,
          }),
        });
        const body = (await response.body.json()) as { ok: boolean };
        if (!body.ok) throw new Error('the sandbox refused a bare request');
      }
    }),
  );
  const rate = total / ((performance.now() - started) / 1000);
  await pool.close();
  return rate;
}

/** The sandbox in its own process, without limits or recording, so it uses the other core. */
async function startSandboxProcess(): Promise<{ url: string; stop(): Promise<void> }> {
  const code = [
    'const { createTelegramSandbox } = await import(process.env.BANDITORE_SANDBOX_MODULE);',
    'const sandbox = await createTelegramSandbox({ limits: false, recordLimit: 0 });',
    "process.stdout.write(sandbox.url + '\\n');",
    "process.on('SIGTERM', () => { void sandbox.close().then(() => process.exit(0)); });",
  ].join('\n');
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BANDITORE_SANDBOX_MODULE: import.meta.resolve('@banditore/channel-telegram/sandbox') },
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (status) => reject(new Error(`the sandbox process exited (${status})`)));
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function seed(store: Store, count: number): Promise<void> {
  const consent = { method: 'import', noticeVersion: 'bench' } as const;
  for (let start = 0; start < count; start += 10_000) {
    const batch: SubscriberInput[] = [];
    for (let index = start; index < Math.min(count, start + 10_000); index++) {
      batch.push({ channel: 'telegram', address: `${100_000_000 + index}`, topics: [], areas: [], language: 'it' });
    }
    await store.importSubscribers(batch, consent);
  }
}

function announcement(id: string) {
  return {
    id,
    severity: 'minor' as const,
    topics: ['eventi'],
    content: {
      it: { headline: 'Gli eventi della settimana', body: 'Sabato mercato in piazza.\n\nDomenica concerto al teatro.' },
    },
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function round(value: number): number {
  return Number(value.toFixed(3));
}

function note(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}
