import {
  ChannelError,
  systemClock,
  type Announcement,
  type Channel,
  type ChannelLimits,
  type SendResult,
} from '@banditore/core';
import { parseOrThrow, sleep } from '@banditore/core/authoring';
import { z } from 'zod';
import { chatIdParam, telegramAddressSchema } from './address.js';
import { createBotApi } from './bot-api.js';
import { classify, type TelegramTarget } from './classify.js';
import { telegramChannelOptionsSchema, type TelegramChannelOptions } from './options.js';
import { renderTelegramMessage, type TelegramMessage, type TelegramMessagePart } from './render.js';

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
 * A split message is sent part by part, spaced by `perRecipientIntervalMs`. When a part fails,
 * the error is returned as is; the parts already delivered are remembered per rendered message
 * and address, so the broadcaster's retry (after a 429, a 5xx) sends only the rest. A final
 * failure after the first part (a rejected part, a chat gone meanwhile) is reported as that
 * failure even though the first parts arrived.
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
  const limits = { ...base, ...stripUndefined(resolved.limits ?? {}) } as ChannelLimits;
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
    // A split message is several requests against Telegram's limit, not one.
    cost: (rendered: TelegramMessage) => rendered.parts.length,
    async send(address, rendered, { signal }): Promise<SendResult> {
      let byAddress = progressByMessage.get(rendered);
      const progress = byAddress?.get(address) ?? { sent: 0, firstMessageId: undefined };
      const start = progress.sent;
      for (let index = start; index < rendered.parts.length; index++) {
        if (index > start) {
          try {
            await sleep(clock, partIntervalMs, signal);
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
          byAddress?.delete(address);
          return { ok: false, error };
        }
        progress.sent = index + 1;
        progress.firstMessageId ??= `${sent!.data!.message_id}`;
      }
      byAddress?.delete(address);
      return progress.firstMessageId === undefined
        ? { ok: true }
        : { ok: true, providerMessageId: progress.firstMessageId };

      function remember(state: Progress, error: ChannelError): SendResult {
        if (!byAddress) {
          byAddress = new Map();
          progressByMessage.set(rendered, byAddress);
        }
        byAddress.set(address, state);
        return { ok: false, error };
      }
    },
    close: () => api.close(),
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
