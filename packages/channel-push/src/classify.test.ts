import { actionFor } from '@banditore/core/authoring';
import { describe, expect, it } from 'vitest';
import { classifyPushResponse, parseRetryAfter, type PushExchange } from './classify.js';

const NOW = Date.parse('2026-12-06T08:00:00Z');

describe('classifyPushResponse', () => {
  it.each<[string, PushExchange, string | undefined, string | undefined]>([
    ['201 created', { kind: 'response', status: 201 }, undefined, undefined],
    ['202 accepted', { kind: 'response', status: 202 }, undefined, undefined],
    ['404 expired', { kind: 'response', status: 404 }, 'RECIPIENT_GONE', 'drop-subscriber'],
    ['410 gone', { kind: 'response', status: 410 }, 'RECIPIENT_GONE', 'drop-subscriber'],
    ['413 too large', { kind: 'response', status: 413 }, 'MESSAGE_REJECTED', 'fail-message'],
    [
      '429 with Retry-After',
      { kind: 'response', status: 429, retryAfter: '30' },
      'RECIPIENT_RATE_LIMITED',
      'defer-recipient',
    ],
    ['400 bad headers', { kind: 'response', status: 400 }, 'ACCOUNT_UNUSABLE', 'stop-channel'],
    ['401 no VAPID', { kind: 'response', status: 401 }, 'AUTH_FAILED', 'stop-channel'],
    ['403 VAPID or key mismatch', { kind: 'response', status: 403 }, 'AUTH_FAILED', 'stop-channel'],
    ['500', { kind: 'response', status: 500 }, 'PROVIDER_UNAVAILABLE', 'retry'],
    ['503', { kind: 'response', status: 503 }, 'PROVIDER_UNAVAILABLE', 'retry'],
    ['418 unexpected', { kind: 'response', status: 418 }, 'UNKNOWN', 'retry'],
    ['timeout', { kind: 'timeout' }, 'TIMEOUT', 'retry'],
    ['network error', { kind: 'network-error' }, 'NETWORK_ERROR', 'retry'],
    ['aborted', { kind: 'aborted' }, 'NETWORK_ERROR', 'retry'],
  ])('%s', (_name, exchange, code, action) => {
    const outcome = classifyPushResponse(exchange, NOW);
    if (code === undefined) {
      expect(outcome).toEqual({ ok: true });
      return;
    }
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe(code);
    expect(actionFor(outcome.error.code)).toBe(action);
    if (exchange.kind === 'response') expect(outcome.error.providerCode).toBe(`${exchange.status}`);
  });

  it('turns Retry-After into milliseconds, seconds or HTTP-date, with a default when missing', () => {
    const wait = (retryAfter?: string) => {
      const outcome = classifyPushResponse({ kind: 'response', status: 429, retryAfter }, NOW);
      return outcome.ok ? undefined : outcome.error.retryAfterMs;
    };
    expect(wait('30')).toBe(30_000);
    expect(wait(new Date(NOW + 90_000).toUTCString())).toBe(90_000);
    expect(wait(undefined)).toBe(10_000);
    expect(wait('soon')).toBe(10_000);
    expect(parseRetryAfter('0', NOW)).toBe(1000);
  });
});
