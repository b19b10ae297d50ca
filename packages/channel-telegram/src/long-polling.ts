import { ChannelError, systemClock, type Clock } from '@banditore/core';
import { parseOrThrow, sleep } from '@banditore/core/authoring';
import { z } from 'zod';
import { classify } from './classify.js';
import { clockSchema } from './options.js';
import { BOT_ALLOWED_UPDATES, type TelegramBot } from './telegram-bot.js';

/** Events of the poller: counts and codes only. */
export type PollingEvent =
  | { type: 'poll'; updates: number }
  | { type: 'poll-error'; code: string; retryInMs: number }
  | { type: 'stopped'; reason: 'aborted' | 'fatal'; code?: string };

export const telegramPollingOptionsSchema = z.object({
  /** Stops the poller; the promise then resolves. */
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, 'must be an AbortSignal'),
  /** Seconds Telegram holds each getUpdates open. @defaultValue 30 */
  timeoutSeconds: z.number().int().min(0).max(50).default(30),
  /** Updates per request (1–100). @defaultValue 100 */
  limit: z.number().int().min(1).max(100).default(100),
  /** Remove a webhook first (Telegram refuses getUpdates while one is set). @defaultValue true */
  deleteWebhook: z.boolean().default(true),
  /** First wait after an error, doubled each time, with jitter. @defaultValue 1000 */
  backoffMs: z.number().int().min(1).max(60_000).default(1000),
  /** Longest wait after errors. @defaultValue 60000 */
  maxBackoffMs: z.number().int().min(1).max(3_600_000).default(60_000),
  clock: clockSchema.optional(),
  onEvent: z
    .custom<(event: PollingEvent) => void>((value) => typeof value === 'function', 'must be a function')
    .optional(),
  /** Jitter source. @defaultValue Math.random */
  random: z.custom<() => number>((value) => typeof value === 'function', 'must be a function').optional(),
});

/** Options of {@link startTelegramPolling}. */
export type TelegramPollingOptions = z.input<typeof telegramPollingOptionsSchema>;

const updatesSchema = z.array(z.object({ update_id: z.number().int().nonnegative() }).loose());

/**
 * Long polling for comuni without a public HTTPS URL: calls `getUpdates` in a loop, hands each
 * update to the bot in order, and confirms it by asking for the next `offset`.
 *
 * Errors back off exponentially (with jitter, capped); a 429 waits `retry_after`. An update the
 * bot could not store (`failed`) is not confirmed: the loop backs off and gets it again. A bad
 * token or another poller (409) stops the loop with a {@link ChannelError}, since retrying cannot
 * help. Aborting the signal ends the loop and resolves.
 *
 * @param bot - The bot.
 * @param options - Signal, timeouts, backoff, clock.
 * @returns Resolves when the signal aborts; rejects with a ChannelError on a fatal error.
 * @throws ConfigError for invalid options.
 * @example
 * ```ts
 * const controller = new AbortController()
 * const polling = startTelegramPolling(bot, { signal: controller.signal })
 * process.on('SIGINT', () => controller.abort())
 * await polling
 * ```
 */
export async function startTelegramPolling(
  bot: Pick<TelegramBot, 'api' | 'handleUpdate'>,
  options: TelegramPollingOptions,
): Promise<void> {
  const resolved = parseOrThrow('startTelegramPolling options', telegramPollingOptionsSchema, options);
  const { signal } = resolved;
  const clock: Clock = resolved.clock ?? systemClock;
  const random = resolved.random ?? Math.random;
  const emit = (event: PollingEvent): void => {
    try {
      resolved.onEvent?.(event);
    } catch {
      // Observers cannot stop the poller.
    }
  };
  let offset: number | undefined;
  let failures = 0;

  const pause = async (ms: number): Promise<boolean> => {
    try {
      await sleep(clock, ms, signal);
      return true;
    } catch {
      return false;
    }
  };
  const backoff = (): number => {
    const ceiling = Math.min(resolved.maxBackoffMs, resolved.backoffMs * 2 ** Math.min(failures, 30));
    failures++;
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };

  let needsWebhookRemoval = resolved.deleteWebhook;
  while (!signal.aborted) {
    if (needsWebhookRemoval) {
      const removed = classify(await bot.api.call('deleteWebhook', {}, { signal }));
      if (signal.aborted) break;
      if (!removed.ok) {
        if (!(await handleError(removed.error))) return;
        continue;
      }
      needsWebhookRemoval = false;
    }
    const exchange = await bot.api.call(
      'getUpdates',
      {
        ...(offset === undefined ? {} : { offset }),
        limit: resolved.limit,
        timeout: resolved.timeoutSeconds,
        allowed_updates: BOT_ALLOWED_UPDATES,
      },
      // The HTTP timeout must outlast Telegram's long-poll hold.
      { signal, timeoutMs: (resolved.timeoutSeconds + 15) * 1000 },
    );
    if (signal.aborted) break;
    const outcome = classify(exchange);
    const updates = outcome.ok ? updatesSchema.safeParse(outcome.result) : undefined;
    if (!outcome.ok || !updates?.success) {
      const error = outcome.ok
        ? new ChannelError('PROVIDER_RESPONSE_INVALID', 'getUpdates answered something that is not a list of updates')
        : outcome.error;
      if (!(await handleError(error))) return;
      continue;
    }
    emit({ type: 'poll', updates: updates.data.length });
    let stalled = false;
    for (const update of updates.data) {
      if ((await bot.handleUpdate(update)) === 'failed') {
        stalled = true;
        break;
      }
      offset = update.update_id + 1;
    }
    if (stalled) {
      if (!(await pause(backoffAndReport('STORE_FAILED')))) break;
      continue;
    }
    failures = 0;
  }
  emit({ type: 'stopped', reason: 'aborted' });

  function backoffAndReport(code: string, waitMs = backoff()): number {
    emit({ type: 'poll-error', code, retryInMs: waitMs });
    return waitMs;
  }

  /** Waits before the next attempt; throws for errors retrying cannot fix; false when aborted. */
  async function handleError(error: ChannelError): Promise<boolean> {
    if (error.action === 'stop-channel') {
      emit({ type: 'stopped', reason: 'fatal', code: error.code });
      throw error;
    }
    const wait = error.code === 'RATE_LIMITED' && error.retryAfterMs !== undefined ? error.retryAfterMs : backoff();
    if (await pause(backoffAndReport(error.code, wait))) return true;
    emit({ type: 'stopped', reason: 'aborted' });
    return false;
  }
}
