import { ChannelError, type ChannelErrorCode } from '@banditore/core';
import { graphErrorSchema, sendResponseSchema, type GraphError } from './graph-error.js';

/** What the sender saw: a response, or no response at all. */
export type GraphExchange =
  { kind: 'response'; status: number; body: unknown } | { kind: 'timeout' } | { kind: 'network' } | { kind: 'aborted' };

/** One row of the classification table. */
export interface ClassifyRule {
  code: ChannelErrorCode;
  /** Operator-facing wording; never holds an address, a token or message text. */
  message: string;
  /** A fixed wait before the next attempt, in ms (the broadcaster backs off further on repeats). */
  retryAfterMs?: number;
  /** 131026: dropped only after failures on several separate days (see the channel's ledger). */
  undeliverable?: true;
  /** 131047: the free-form message may be resent as a template at once. */
  outsideWindow?: true;
}

const fatal = (message: string): ClassifyRule => ({ code: 'MESSAGE_REJECTED', message });
const config = (message: string): ClassifyRule => ({ code: 'ACCOUNT_UNUSABLE', message });
const backoff = (message: string, retryAfterMs?: number): ClassifyRule =>
  retryAfterMs === undefined
    ? { code: 'PROVIDER_UNAVAILABLE', message }
    : { code: 'PROVIDER_UNAVAILABLE', message, retryAfterMs };

/**
 * The one table: Meta's `error.code` → what the broadcaster does. Never keyed by HTTP status,
 * which differs between sources for the same error (provider facts §1.2, §1.8).
 */
export const WHATSAPP_ERROR_TABLE: Readonly<Record<number, ClassifyRule>> = {
  0: { code: 'AUTH_FAILED', message: 'WhatsApp rejected the access token' },
  190: { code: 'AUTH_FAILED', message: 'The WhatsApp access token is invalid or expired' },
  3: config('The app lacks a capability the send needs'),
  10: config('The token lacks a permission the send needs'),
  131005: config('Access denied: the token lacks a permission'),
  131030: config('The recipient is not in the test number allowed list'),
  131031: config('The WhatsApp Business Account is locked'),
  131042: config('Payment or eligibility problem on the WhatsApp Business Account'),
  131045: config('The phone number is not registered (certificate)'),
  133010: config('The phone number is not registered with the Cloud API'),
  368: config('The account is temporarily blocked for policy violations'),
  4: backoff('Graph API app call limit reached', 60_000),
  80007: backoff('WhatsApp Business Account rate limit reached', 60_000),
  130429: { code: 'RATE_LIMITED', message: 'The phone number throughput limit was reached', retryAfterMs: 1_000 },
  131056: {
    code: 'RECIPIENT_RATE_LIMITED',
    message: 'Pair rate limit: too many messages to this recipient',
    retryAfterMs: 6_000,
  },
  131048: {
    code: 'ACCOUNT_THROTTLED',
    message: 'Spam rate limit: the number is restricted for quality reasons',
    retryAfterMs: 15 * 60_000,
  },
  // A per-recipient cap across all businesses, not an opt-out: try this recipient again in hours.
  131049: {
    code: 'RECIPIENT_RATE_LIMITED',
    message: 'Meta held back a marketing message to this recipient (per-user cap)',
    retryAfterMs: 6 * 3_600_000,
  },
  // The citizen stopped *marketing* only: utility alerts must still reach them, so the subscriber stays.
  131050: { code: 'RECIPIENT_NOT_ELIGIBLE', message: 'The recipient stopped marketing messages from this business' },
  131026: { code: 'RECIPIENT_NOT_ELIGIBLE', message: 'Message undeliverable to this recipient', undeliverable: true },
  131047: {
    code: 'RECIPIENT_NOT_ELIGIBLE',
    message: 'The 24-hour customer service window is closed; only templates may be sent',
    outsideWindow: true,
  },
  131021: { code: 'RECIPIENT_GONE', message: 'The recipient is the sending number itself' },
  130472: { code: 'RECIPIENT_NOT_ELIGIBLE', message: 'The recipient is part of a Meta marketing experiment' },
  131051: fatal('Unsupported message type'),
  131052: fatal('Media download failed'),
  131053: fatal('Media upload failed'),
  100: fatal('Invalid parameter in the request'),
  131008: fatal('A required parameter is missing'),
  131009: fatal('A parameter value is invalid'),
  132000: fatal('Template parameter count does not match the approved template'),
  132001: fatal('Template does not exist in this language or is not approved'),
  132005: fatal('The filled-in template text is too long'),
  132007: fatal('The template format violates policy'),
  132012: fatal('A template parameter has the wrong format'),
  132015: {
    code: 'PROVIDER_UNAVAILABLE',
    message: 'The template is paused for low quality; retried once Meta reactivates it',
    retryAfterMs: 3 * 3_600_000,
  },
  132016: fatal('The template is disabled permanently; create a new one'),
  131057: backoff('The account is in maintenance (for example a throughput upgrade)', 60_000),
  1: backoff('WhatsApp reported an unknown error'),
  131000: backoff('WhatsApp reported that something went wrong'),
  2: backoff('WhatsApp service temporarily unavailable'),
  131016: backoff('WhatsApp service temporarily unavailable'),
  133004: backoff('WhatsApp server temporarily unavailable'),
};

/**
 * Rows refined by `error_data.details`, checked before the code table. Meta documents `details`
 * as the machine-readable part next to the code; a 100 about the recipient means the number is
 * not on WhatsApp, which is treated like 131026 rather than as a broken message.
 */
export const WHATSAPP_DETAILS_TABLE: ReadonlyArray<{ code: number; details: RegExp; rule: ClassifyRule }> = [
  {
    code: 100,
    details: /\b(recipient|phone number|param(eter)? to)\b|'to'/i,
    rule: {
      code: 'RECIPIENT_NOT_ELIGIBLE',
      message: 'The recipient number is not usable on WhatsApp',
      undeliverable: true,
    },
  },
];

/** The classified outcome of one exchange. */
export type Classified =
  { ok: true; messageId: string } | { ok: false; error: ChannelError; rule: ClassifyRule | undefined };

/**
 * Turns one exchange with the Cloud API into a result or a {@link ChannelError}, by `error.code`
 * (and for 200–299 permission codes, their range), never by HTTP status. The error carries
 * Meta's code as `providerCode`, never Meta's message (which can quote the request).
 *
 * @param exchange - What the sender saw.
 * @returns The message id, or the error with the table row that produced it.
 */
export function classify(exchange: GraphExchange): Classified {
  if (exchange.kind === 'timeout') return failure({ code: 'TIMEOUT', message: 'WhatsApp did not answer in time' });
  if (exchange.kind === 'network') return failure({ code: 'NETWORK_ERROR', message: 'Could not reach WhatsApp' });
  if (exchange.kind === 'aborted') return failure({ code: 'NETWORK_ERROR', message: 'The send was aborted' });
  const sent = sendResponseSchema.safeParse(exchange.body);
  if (sent.success && exchange.status >= 200 && exchange.status < 300) {
    return { ok: true, messageId: sent.data.messages[0]!.id };
  }
  const parsed = graphErrorSchema.safeParse(exchange.body);
  if (!parsed.success) {
    return exchange.status >= 500
      ? failure({ code: 'PROVIDER_UNAVAILABLE', message: 'WhatsApp answered a server error without a body' })
      : failure({
          code: 'PROVIDER_RESPONSE_INVALID',
          message: 'WhatsApp answered something that is not a Graph API body',
        });
  }
  return failure(ruleFor(parsed.data.error), parsed.data.error.code);
}

/**
 * The table row for a Graph error: by code, then the 200–299 permission range; unknown codes are
 * retried a bounded number of times.
 *
 * @param error - The parsed Graph error.
 * @returns The rule.
 */
export function ruleFor(error: Pick<GraphError, 'code' | 'error_data'>): ClassifyRule {
  const details = error.error_data?.details;
  if (details !== undefined) {
    for (const row of WHATSAPP_DETAILS_TABLE) if (row.code === error.code && row.details.test(details)) return row.rule;
  }
  const rule = WHATSAPP_ERROR_TABLE[error.code];
  if (rule) return rule;
  if (error.code >= 200 && error.code <= 299) return config('The token lacks a permission the send needs');
  return { code: 'UNKNOWN', message: 'WhatsApp returned an unclassified error' };
}

function failure(rule: ClassifyRule, providerCode?: number): Classified {
  const options = {
    ...(rule.retryAfterMs === undefined ? {} : { retryAfterMs: rule.retryAfterMs }),
    ...(providerCode === undefined ? {} : { providerCode: String(providerCode) }),
  };
  return { ok: false, error: new ChannelError(rule.code, rule.message, options), rule };
}
