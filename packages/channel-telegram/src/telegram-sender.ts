import {
  ChannelError,
  systemClock,
  type Announcement,
  type Channel,
  type ChannelLimits,
  type SendResult,
  type SharedBudget,
} from '@banditore/core';
import { parseOrThrow, sleep } from '@banditore/core/authoring';
import { z } from 'zod';
import { chatIdParam, telegramAddressSchema } from './address.js';
import { createBotApi } from './bot-api.js';
import { classify, type TelegramTarget } from './classify.js';
import { editRefusal } from './edit.js';
import { telegramChannelOptionsSchema, type TelegramChannelOptions } from './options.js';
import { escalates, renderTelegramMessage, type TelegramMessage, type TelegramMessagePart } from './render.js';

/** A Telegram channel: renders {@link TelegramMessage}s and sends them over the Bot API. */
export type TelegramChannel = Channel<TelegramMessage>;

/** What distinguishes fan-out from channel posts. */
export interface SenderProfile {
  target: TelegramTarget;
  defaultName: string;
  defaultLimits: ChannelLimits;
  paidLimits: ChannelLimits;
  subject: string;
}

/** Telegram's limit for the whole bot: ~30 messages/s, or 1,000/s for paid broadcasts. */
const BOT_RATE = { free: 30, paid: 1000 } as const;

/**
 * The budget every channel of one bot draws from: fan-out and channel posts share the bot's
 * messages per second, and a 429 (Telegram's penalty is bot-wide) pauses both. Keyed by the bot
 * id, the public half of the token, so channels built separately for one bot still share.
 *
 * @param token - The bot token (only the id before the colon is used).
 * @param paid - Whether sends use `allow_paid_broadcast`.
 * @returns The shared budget.
 */
export function botBudget(token: string, paid: boolean): SharedBudget {
  const botId = token.slice(0, token.indexOf(':'));
  return paid
    ? { key: `telegram-bot:${botId}:paid`, ratePerSecond: BOT_RATE.paid }
    : { key: `telegram-bot:${botId}`, ratePerSecond: BOT_RATE.free };
}

/** Parts already delivered to one chat, so a retry after a partial failure resumes instead of repeating. */
interface Progress {
  sent: number;
  firstMessageId: string | undefined;
}

const sentMessageSchema = z.object({ message_id: z.number().int() });

/**
 * Builds a Telegram channel for a profile. Shared by `createTelegramChannel` (one-to-one fan-out)
 * and `createTelegramChannelPost` (the comune's public channel).
 *
 * A split message is sent part by part; before each part after the first the channel awaits
 * `SendOptions.nextRequest`, so every part passes the broadcaster's rate gates, waits out a
 * pause that began meanwhile and keeps the chat's one-a-second spacing (called directly, without
 * a broadcaster, parts are spaced by `perRecipientIntervalMs` on the channel's own clock). When a
 * part fails, the error is returned as is; the parts already delivered are remembered per
 * rendered message and address, so the broadcaster's retry (after a 429, a 5xx, a lost answer)
 * resumes at the part that failed: a lost answer can duplicate that one part, never the ones
 * before it. A final failure after the first part (a rejected part, a chat gone meanwhile) is
 * reported as that failure even though the first parts arrived.
 *
 * @param options - Channel options (validated here).
 * @param profile - Target kind, default name and limits.
 * @returns The channel.
 * @throws ConfigError naming the invalid fields.
 */
export function createTelegramSender(options: TelegramChannelOptions, profile: SenderProfile): TelegramChannel {
  const resolved = parseOrThrow(profile.subject, telegramChannelOptionsSchema, options);
  const clock = resolved.clock ?? systemClock;
  const base = resolved.paidBroadcast ? profile.paidLimits : profile.defaultLimits;
  const own = { ...base, ...stripUndefined(resolved.limits ?? {}) } as ChannelLimits;
  // Limits switched off (`ratePerSecond: Infinity`) mean no pacing at all, the bot's budget included.
  const configured = resolved.sharedBudget;
  const budget =
    (configured === undefined || configured === false ? configured : (stripUndefined(configured) as SharedBudget)) ??
    (own.ratePerSecond === Infinity ? false : botBudget(resolved.token, resolved.paidBroadcast));
  const limits: ChannelLimits = { ...own, shared: budget === false ? [] : [budget] };
  const partIntervalMs = limits.perRecipientIntervalMs ?? 0;
  const api = createBotApi({
    token: resolved.token,
    baseUrl: resolved.baseUrl,
    dispatcher: resolved.dispatcher,
    timeoutMs: resolved.timeoutMs,
    connections: Math.min(limits.concurrency, 128),
  });
  const progressByMessage = new WeakMap<TelegramMessage, Map<string, Progress>>();

  const paramsFor = (address: string, part: TelegramMessagePart, silent: boolean): Record<string, unknown> => {
    const params: Record<string, unknown> = { chat_id: chatIdParam(address), parse_mode: 'HTML' };
    if (part.method === 'sendMessage') {
      params.text = part.text;
      if (!resolved.linkPreviews) params.link_preview_options = { is_disabled: true };
    } else {
      params.photo = part.photo;
      params.caption = part.caption;
    }
    if (silent) params.disable_notification = true;
    if (resolved.paidBroadcast) params.allow_paid_broadcast = true;
    return params;
  };

  return {
    name: resolved.name ?? profile.defaultName,
    limits,
    addressSchema: telegramAddressSchema,
    render(announcement: Announcement, language: string): TelegramMessage {
      return renderTelegramMessage(announcement, language, {
        silentBelow: resolved.silentBelow,
        timeZone: resolved.timeZone,
      });
    },
    // The follow-up is the announcement rendered as its kind: the badge says AGGIORNAMENTO or
    // ANNULLATO. An escalation rings: it goes as a new message rather than a silent edit.
    renderFollowUp(announcement: Announcement, language: string, { kind, previous }): TelegramMessage {
      const message = renderTelegramMessage({ ...announcement, type: kind }, language, {
        silentBelow: resolved.silentBelow,
        timeZone: resolved.timeZone,
      });
      const ring = kind === 'update' && previous !== undefined && escalates(previous, announcement);
      return ring ? { ...message, ring } : message;
    },
    // A split message is several requests against Telegram's limit, not one.
    cost: (rendered: TelegramMessage) => rendered.parts.length,
    async send(address, rendered, { signal, nextRequest, followUp }): Promise<SendResult> {
      const progress = progressByMessage.get(rendered)?.get(address) ?? { sent: 0, firstMessageId: undefined };
      let start = progress.sent;
      const only = rendered.parts.length === 1 ? rendered.parts[0] : undefined;
      if (
        start === 0 &&
        followUp?.previousMessageId !== undefined &&
        only?.method === 'sendMessage' &&
        rendered.ring !== true
      ) {
        // The recipient has the alert already: change that message rather than add one.
        if (signal.aborted) return { ok: false, error: new ChannelError('NETWORK_ERROR', 'The send was aborted') };
        const params = paramsFor(address, only, rendered.silent);
        delete params.disable_notification;
        delete params.allow_paid_broadcast;
        params.message_id = Number(followUp.previousMessageId);
        const exchange = await api.call('editMessageText', params);
        const refusal = editRefusal(exchange);
        if (refusal === 'not-modified') return { ok: true, providerMessageId: followUp.previousMessageId };
        if (refusal === undefined) {
          const outcome = classify(exchange, profile.target);
          if (!outcome.ok) return { ok: false, error: outcome.error };
          return { ok: true, providerMessageId: followUp.previousMessageId };
        }
        // Deleted, too old or not text: the follow-up goes as a new message, paced like any request.
        try {
          await (nextRequest ? nextRequest() : sleep(clock, partIntervalMs, signal));
        } catch {
          return { ok: false, error: new ChannelError('NETWORK_ERROR', 'The send was aborted') };
        }
        start = 0;
      }
      for (let index = start; index < rendered.parts.length; index++) {
        if (index > start) {
          try {
            await (nextRequest ? nextRequest() : sleep(clock, partIntervalMs, signal));
          } catch {
            return remember(progress, new ChannelError('NETWORK_ERROR', 'The send was aborted'));
          }
        }
        const part = rendered.parts[index]!;
        // Checked here rather than handed to undici: a request already written cannot be unsent,
        // and an abort listener per request is measurable CPU at high rates.
        if (signal.aborted) {
          const error = new ChannelError('NETWORK_ERROR', 'The send was aborted');
          return progress.sent > 0 ? remember(progress, error) : { ok: false, error };
        }
        const exchange = await api.call(part.method, paramsFor(address, part, rendered.silent));
        const outcome = classify(exchange, profile.target);
        const sent = outcome.ok ? sentMessageSchema.safeParse(outcome.result) : undefined;
        const error = !outcome.ok
          ? outcome.error
          : sent?.success
            ? undefined
            : new ChannelError('PROVIDER_RESPONSE_INVALID', 'Telegram answered ok without a message id');
        if (error !== undefined) {
          if (error.retryable && progress.sent > 0) return remember(progress, error);
          forget();
          return { ok: false, error };
        }
        progress.sent = index + 1;
        progress.firstMessageId ??= `${sent!.data!.message_id}`;
      }
      forget();
      return progress.firstMessageId === undefined
        ? { ok: true }
        : { ok: true, providerMessageId: progress.firstMessageId };

      // Looked up again at the end, never kept across an await: concurrent sends of the same
      // message to other chats may have created the map meanwhile, and replacing it would lose
      // their progress (their retries would resend parts that had landed).
      function remember(state: Progress, error: ChannelError): SendResult {
        let byAddress = progressByMessage.get(rendered);
        if (!byAddress) {
          byAddress = new Map();
          progressByMessage.set(rendered, byAddress);
        }
        byAddress.set(address, state);
        return { ok: false, error };
      }

      function forget(): void {
        progressByMessage.get(rendered)?.delete(address);
      }
    },
    close: () => api.close(),
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
