import { z } from 'zod';
import type { Announcement } from '../domain/announcement.js';
import { contentFor } from '../domain/announcement.js';
import type { Channel, ChannelLimits, SendResult } from '../channel/channel.js';
import { ChannelError } from '../channel/channel-error.js';
import { sleep, systemClock, type Clock } from '../util/clock.js';

/** What the sandbox channel renders: the text it would send, and the language used. */
export interface SandboxChannelMessage {
  language: string;
  text: string;
  announcementId: string;
}

/** One message the sandbox accepted. The address is kept so tests can check who got what. */
export interface SandboxDelivery {
  address: string;
  announcementId: string;
  language: string;
  /** Clock time of the send, in ms. */
  at: number;
}

/** Options of {@link createSandboxChannel}. Every failure knob defaults to "never". */
export interface SandboxChannelOptions {
  /** @defaultValue `"sandbox"` */
  name?: string;
  /** @defaultValue no rate limit, concurrency 64 */
  limits?: Partial<ChannelLimits>;
  /** Simulated provider latency per send, in ms, or a function returning it. @defaultValue 0 */
  latencyMs?: number | (() => number);
  /** Addresses treated as gone (blocked the bot, deleted account). */
  isGone?: (address: string) => boolean;
  /** Fraction (0..1) of sends answered with a transient `PROVIDER_UNAVAILABLE`. @defaultValue 0 */
  failureRate?: number;
  /** Fraction (0..1) of sends answered with a channel-wide `RATE_LIMITED`. @defaultValue 0 */
  rateLimitRate?: number;
  /** The wait a `RATE_LIMITED` answer asks for, in ms. @defaultValue 1000 */
  retryAfterMs?: number;
  /** When set, every send fails with `AUTH_FAILED` (a revoked token). */
  authFailed?: boolean;
  /** Whether to keep every accepted delivery in `deliveries` (off for million-recipient benchmarks). @defaultValue true */
  record?: boolean;
  /** Called at the moment of each accepted send (timestamps for pacing checks). */
  onSend?: (delivery: SandboxDelivery) => void;
  /** Deterministic randomness for the failure knobs. @defaultValue Math.random */
  random?: () => number;
  clock?: Clock;
}

/** The sandbox channel with its record of what it accepted. */
export interface SandboxChannel extends Channel<SandboxChannelMessage> {
  /** Renders synchronously (the sandbox has nothing to wait for). */
  render(announcement: Announcement, language: string): SandboxChannelMessage;
  /** Accepted deliveries in order (when `record` is on). */
  readonly deliveries: SandboxDelivery[];
  /** Counts of accepted sends and of each simulated error. */
  readonly stats: { sent: number; failed: number; rateLimited: number; gone: number };
  /** Changes a failure knob while running (e.g. start an outage, then end it). */
  configure(options: Pick<SandboxChannelOptions, 'failureRate' | 'rateLimitRate' | 'authFailed' | 'latencyMs'>): void;
}

/**
 * An in-process channel that behaves like a provider: limits, latency, transient failures,
 * channel-wide rate limits, gone recipients and revoked credentials. For tests, benchmarks and
 * the demo; it passes the channel conformance suite.
 *
 * @param options - Behaviour knobs.
 * @returns The sandbox channel.
 * @example
 * ```ts
 * const channel = createSandboxChannel({ limits: { ratePerSecond: 80 }, isGone: (a) => a.endsWith('0') })
 * ```
 */
export function createSandboxChannel(options: SandboxChannelOptions = {}): SandboxChannel {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const record = options.record ?? true;
  const knobs = {
    failureRate: options.failureRate ?? 0,
    rateLimitRate: options.rateLimitRate ?? 0,
    authFailed: options.authFailed ?? false,
    latencyMs: options.latencyMs ?? 0,
  };
  const deliveries: SandboxDelivery[] = [];
  const stats = { sent: 0, failed: 0, rateLimited: 0, gone: 0 };
  let messageId = 0;

  const fail = (
    code: ConstructorParameters<typeof ChannelError>[0],
    message: string,
    retryAfterMs?: number,
  ): SendResult => ({
    ok: false,
    error: new ChannelError(code, message, retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

  return {
    name: options.name ?? 'sandbox',
    limits: { ratePerSecond: Infinity, concurrency: 64, ...options.limits },
    addressSchema: z.string().regex(/^[A-Za-z0-9:+@._-]{1,128}$/, 'must be a sandbox address'),
    deliveries,
    stats,
    configure(next) {
      Object.assign(knobs, next);
    },
    render(announcement: Announcement, language: string): SandboxChannelMessage {
      const { language: used, content } = contentFor(announcement, language);
      const text = [content.headline, content.body, content.instruction].filter(Boolean).join('\n\n');
      return { language: used, text, announcementId: announcement.id };
    },
    async send(address, rendered, { signal }): Promise<SendResult> {
      const latency = typeof knobs.latencyMs === 'function' ? knobs.latencyMs() : knobs.latencyMs;
      if (latency > 0) {
        try {
          await sleep(clock, latency, signal);
        } catch {
          return fail('NETWORK_ERROR', 'Sandbox send aborted');
        }
      }
      if (signal.aborted) return fail('NETWORK_ERROR', 'Sandbox send aborted');
      if (knobs.authFailed) return fail('AUTH_FAILED', 'Sandbox credentials revoked');
      if (knobs.rateLimitRate > 0 && random() < knobs.rateLimitRate) {
        stats.rateLimited++;
        return fail('RATE_LIMITED', 'Sandbox rate limit', options.retryAfterMs ?? 1000);
      }
      if (options.isGone?.(address)) {
        stats.gone++;
        return fail('RECIPIENT_GONE', 'Sandbox recipient blocked the sender');
      }
      if (knobs.failureRate > 0 && random() < knobs.failureRate) {
        stats.failed++;
        return fail('PROVIDER_UNAVAILABLE', 'Sandbox provider unavailable');
      }
      stats.sent++;
      const delivery = {
        address,
        announcementId: rendered.announcementId,
        language: rendered.language,
        at: clock.now(),
      };
      if (record) deliveries.push(delivery);
      options.onSend?.(delivery);
      return { ok: true, providerMessageId: `sandbox-${++messageId}` };
    },
  };
}
