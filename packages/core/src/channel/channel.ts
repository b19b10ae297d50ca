import type { z } from 'zod';
import type { RateGate } from '../broadcaster/rate-gate.js';
import type { RollingQuota } from '../broadcaster/rolling-quota.js';
import type { Announcement } from '../domain/announcement.js';
import type { Clock } from '../util/clock.js';
import type { ChannelError } from './channel-error.js';

/**
 * A rate budget that several channels of one sender account draw from. Provider limits belong to
 * the account, not to the channel object: a Telegram bot's fan-out and its channel posts share
 * 30 requests/s and a 429's bot-wide wait; WhatsApp numbers of one portfolio share a daily limit
 * while each number keeps its own throughput. Every channel lists the budgets it draws from in
 * `limits.shared`; the broadcaster makes one gate per distinct `key` and every request of every
 * channel that lists it passes that gate too (as well as the channel's own `ratePerSecond`).
 *
 * Plain data, so two channel objects built separately for one account (same key) still share:
 * channels derive the key from the account (the bot id, the WhatsApp business account id).
 *
 * @example
 * ```ts
 * const bot: SharedBudget = { key: 'telegram-bot:123456', ratePerSecond: 30 }
 * const fanOut = { ...channelA, limits: { ratePerSecond: 30, concurrency: 30, shared: [bot] } }
 * const posts = { ...channelB, limits: { ratePerSecond: 1, concurrency: 1, shared: [bot] } }
 * ```
 */
export interface SharedBudget {
  /**
   * Identifies the account's budget: channels listing budgets with equal keys share one gate.
   * Never shown in events or reports (it may contain an account id).
   */
  readonly key: string;
  /** Requests per second across every channel sharing the budget; `Infinity` to share only pauses. */
  readonly ratePerSecond: number;
  /** Requests that may go back to back before pacing spreads them. @defaultValue 5, or `ratePerSecond / 20` when more */
  readonly burst?: number;
  /**
   * Whether a channel-wide wait the provider asks of one sharing channel (`pause-channel`, e.g.
   * Telegram's 429) holds every sharing channel. Telegram: yes (the penalty is bot-wide); a
   * portfolio's daily quota: no (one number's throughput error says nothing of the others).
   * @defaultValue true
   */
  readonly sharePause?: boolean;
  /**
   * For budgets that are not a per-second rate (a rolling 24-hour quota): makes the gate, once
   * per broadcaster and key. The gate gets every request of every sharing channel, like the
   * built-in one. @defaultValue a sliding-window rate gate at `ratePerSecond`
   */
  readonly createGate?: (clock: Clock) => RateGate;
  /**
   * A rolling quota behind `createGate` (see `rollingQuotaBudget`): lets `estimate()` say when
   * held recipients go out and progress show a run held by the quota. @defaultValue none
   */
  readonly quota?: RollingQuota;
}

/** How fast a channel may send. The broadcaster never exceeds these. */
export interface ChannelLimits {
  /** Messages per second across all recipients; `Infinity` for no limit. */
  ratePerSecond: number;
  /** How many sends may be in flight at once. */
  concurrency: number;
  /**
   * Sends that may go out back to back before pacing spreads them; the sliding one-second
   * window still caps the total. Defaults to 5, or `ratePerSecond / 20` (50 ms of credit) when more.
   */
  burst?: number;
  /**
   * Least time between two requests to the same recipient, in ms (Telegram: 1,000), counted from
   * the end of the previous attempt (its response, error or timeout: the latest it can have
   * arrived), for every attempt and every part of a split message.
   */
  perRecipientIntervalMs?: number;
  /** Budgets this channel shares with other channels of the same sender account. @defaultValue none */
  shared?: readonly SharedBudget[];
  /**
   * The provider has no per-account limit (Web Push: each push service takes what it is sent),
   * so several broadcaster processes sharing one store may deliver one run on this channel at
   * once, each claiming batches from the ledger: with many workers, a CPU-bound channel uses
   * every machine. Honoured only with `ratePerSecond: Infinity` (a rate is kept by one process
   * at a time). @defaultValue false
   */
  parallel?: boolean;
}

/** The outcome of one send: accepted by the provider, or a classified error. */
export type SendResult = { ok: true; providerMessageId?: string } | { ok: false; error: ChannelError };

/** Options passed to every send. */
export interface SendOptions {
  /** Aborted when the broadcast is cancelled or the broadcaster closes. */
  signal: AbortSignal;
  /**
   * Waits until this send may make its next provider request. The broadcaster passes the first
   * request through the rate gate, the channel pause and the recipient's spacing before calling
   * `send()`; a channel that makes more than one request per send (the parts of a split message)
   * awaits this before each further request, so every request is paced, counted and held during
   * a pause exactly like the first. Requests of one send are sequential: calling it also tells
   * the gate the previous request is over. Rejects when `signal` aborts. Absent when `send()` is
   * called outside a broadcaster (tests, scripts): then do not wait.
   */
  nextRequest?: () => Promise<void>;
  /**
   * The broadcast run this send belongs to, set by the broadcaster. A channel whose provider
   * echoes opaque data in its delivery receipts (WhatsApp's `biz_opaque_callback_data`) may send
   * it along, so receipts are counted per run. Not personal data.
   */
  runId?: string;
  /** The ledger's id of this delivery, set by the broadcaster (see `runId`). */
  deliveryId?: string;
  /**
   * Set when this delivery follows up an earlier message of the same alert to the same recipient
   * (an update or a cancel reaching someone the alert already reached): what kind, and the
   * provider's id of the message the recipient has. A channel that can change a sent message
   * (Telegram's `editMessageText`) edits it; others send the rendered follow-up as a new message.
   * Absent for first messages.
   */
  followUp?: FollowUp | undefined;
}

/** What a follow-up is: a changed alert (`update`) or an alert called off (`cancel`). */
export type FollowUpKind = 'update' | 'cancel';

/**
 * One recipient's earlier message of an alert, which a follow-up delivery continues. Read from
 * the delivery ledger: the recipient's most recent `sent` delivery of the alert's thread (the
 * announcement's own id and the ids it `references`).
 */
export interface FollowUp {
  readonly kind: FollowUpKind;
  /** The provider's id of that earlier message, when the channel reported one. */
  readonly previousMessageId?: string;
  /** The announcement id of the earlier message. */
  readonly previousAnnouncementId: string;
  /** The revision the recipient got last. */
  readonly previousRevision: number;
}

/** A field of an announcement that a follow-up may name as changed. */
export type AnnouncementChange =
  | 'severity'
  | 'colorCode'
  | 'urgency'
  | 'certainty'
  | 'event'
  | 'headline'
  | 'body'
  | 'instruction'
  | 'areas'
  | 'effective'
  | 'expires'
  | 'links'
  | 'image';

/** What `renderFollowUp()` is told about the follow-up it renders. */
export interface FollowUpContext {
  readonly kind: FollowUpKind;
  /** The latest earlier announcement of the thread, when the store still has it. */
  readonly previous: Announcement | undefined;
  /** What changed since `previous` (empty for a cancel, or when `previous` is unknown). */
  readonly changes: readonly AnnouncementChange[];
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
   * Whether the provider reports delivery receipts for this channel (through a webhook into
   * `Store.recordReceipts`): progress and reports then show delivered and read counts.
   * @defaultValue `false`
   */
  readonly receipts?: boolean;
  /**
   * Turns an announcement into this channel's message, once per language.
   * Throws only for programmer errors; content the channel cannot represent must be shortened.
   */
  render(announcement: Announcement, language: string): Rendered | Promise<Rendered>;
  /**
   * Renders the follow-up sent to recipients the alert already reached (an update or a cancel),
   * once per language like `render()`. Without it the broadcaster calls `render()` with each
   * headline prefixed "Aggiornamento: " or "Revocata: " (in the content's language), so every
   * channel marks a follow-up clearly. `send()` then gets `SendOptions.followUp`.
   *
   * @param announcement - The update or cancel.
   * @param language - The language to render.
   * @param context - Its kind, the previous announcement and what changed.
   * @returns The channel's message.
   * @defaultValue the prefixed `render()`
   * @example
   * ```ts
   * renderFollowUp: (a, lang, { kind, changes }) => ({ text: `${kind}: ${changes.join(', ')}` })
   * ```
   */
  renderFollowUp?(announcement: Announcement, language: string, context: FollowUpContext): Rendered | Promise<Rendered>;
  /** Sends one message to one address. Resolves to a result, never rejects for provider errors. */
  send(address: string, rendered: Rendered, options: SendOptions): Promise<SendResult>;
  /**
   * Requests one `send()` of this rendered form makes, e.g. one per part of a split message.
   * Called once per rendered language, not per recipient; a whole number of at least 1 (anything
   * else counts as 1). Used for estimates and progress; the pacing itself happens per request
   * (the first before `send()`, the others through `SendOptions.nextRequest`).
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
  /**
   * What the provider bills for one message of this rendered form (WhatsApp bills templates by
   * category and country), from a price table the operator configured. `estimate()` multiplies
   * it by the recipients. Called once per rendered language.
   *
   * @param rendered - What `render()` returned.
   * @returns The price, or `undefined` when unknown.
   * @defaultValue none: estimates show no cost
   */
  price?(rendered: Rendered): { amount: number; currency: string; asOf?: string } | undefined;
  /** Releases connections. */
  close?(): Promise<void>;
}

/** Any channel, whatever its rendered form. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the broadcaster only hands back what render() made
export type AnyChannel = Channel<any>;
