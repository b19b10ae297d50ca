import type { z } from 'zod';
import type { Announcement } from '../domain/announcement.js';
import type { ChannelError } from './channel-error.js';

/** How fast a channel may send. The broadcaster never exceeds these. */
export interface ChannelLimits {
  /** Messages per second across all recipients; `Infinity` for no limit. */
  ratePerSecond: number;
  /** How many sends may be in flight at once. */
  concurrency: number;
  /**
   * Sends that may go out back to back before pacing spreads them; the sliding one-second
   * window still caps the total. Defaults to `ratePerSecond / 20` (50 ms of credit).
   */
  burst?: number;
  /** Least time between two messages to the same recipient, in ms (Telegram: 1,000). */
  perRecipientIntervalMs?: number;
}

/** The outcome of one send: accepted by the provider, or a classified error. */
export type SendResult = { ok: true; providerMessageId?: string } | { ok: false; error: ChannelError };

/** Options passed to every send. */
export interface SendOptions {
  /** Aborted when the broadcast is cancelled or the broadcaster closes. */
  signal: AbortSignal;
}

/**
 * A delivery channel: one provider, one sender account. Made by a factory, e.g.
 * `createTelegramChannel(options)`; cross-cutting behaviour (pacing, retries, redaction,
 * the ledger) lives in the broadcaster, so a channel only translates.
 *
 * @typeParam Rendered - The channel's own message form, produced once per language.
 */
export interface Channel<Rendered = unknown> {
  /** Unique name; also the subscriber's `channel` field (e.g. `"telegram"`). */
  readonly name: string;
  readonly limits: ChannelLimits;
  /** Validates addresses of this channel at the boundary (webhooks, imports). */
  readonly addressSchema: z.ZodType<string>;
  /**
   * Turns an announcement into this channel's message, once per language.
   * Throws only for programmer errors; content the channel cannot represent must be shortened.
   */
  render(announcement: Announcement, language: string): Rendered | Promise<Rendered>;
  /** Sends one message to one address. Resolves to a result, never rejects for provider errors. */
  send(address: string, rendered: Rendered, options: SendOptions): Promise<SendResult>;
  /**
   * Requests this rendered form costs against the rate limit, e.g. one per part of a split
   * message. Called once per rendered language, not per recipient; a whole number of at least 1
   * (anything else counts as 1), capped at `limits.ratePerSecond`.
   *
   * @param rendered - What `render()` returned.
   * @returns The number of provider requests one `send()` of it makes.
   * @defaultValue 1
   * @example
   * ```ts
   * cost: (rendered) => rendered.parts.length
   * ```
   */
  cost?(rendered: Rendered): number;
  /** Releases connections. */
  close?(): Promise<void>;
}

/** Any channel, whatever its rendered form. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the broadcaster only hands back what render() made
export type AnyChannel = Channel<any>;
