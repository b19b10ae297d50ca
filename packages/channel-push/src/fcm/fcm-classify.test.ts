import { describe, expect, it } from 'vitest';
import { classifyFcmResponse, FCM_QUOTA_WAIT_MS, type FcmExchange } from './fcm-classify.js';

const fcmError = (status: number, errorCode: string | undefined, message = 'x', statusName = 'X'): string =>
  JSON.stringify({
    error: {
      code: status,
      message,
      status: statusName,
      ...(errorCode
        ? { details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] }
        : {}),
    },
  });

const NOW = Date.UTC(2026, 11, 6, 7, 0, 0);

describe('classifyFcmResponse', () => {
  it.each<[string, FcmExchange, string, number | undefined]>([
    [
      'UNREGISTERED',
      { kind: 'response', status: 404, body: fcmError(404, 'UNREGISTERED') },
      'RECIPIENT_GONE',
      undefined,
    ],
    [
      'INVALID_ARGUMENT on the token',
      {
        kind: 'response',
        status: 400,
        body: fcmError(400, 'INVALID_ARGUMENT', 'The registration token is not a valid FCM registration token'),
      },
      'RECIPIENT_GONE',
      undefined,
    ],
    [
      'INVALID_ARGUMENT on a field',
      {
        kind: 'response',
        status: 400,
        body: fcmError(400, 'INVALID_ARGUMENT', "Invalid value at 'message.data[0].value'"),
      },
      'MESSAGE_REJECTED',
      undefined,
    ],
    [
      'QUOTA_EXCEEDED with Retry-After',
      { kind: 'response', status: 429, body: fcmError(429, 'QUOTA_EXCEEDED'), retryAfter: '30' },
      'RATE_LIMITED',
      30_000,
    ],
    [
      'QUOTA_EXCEEDED without',
      { kind: 'response', status: 429, body: fcmError(429, 'QUOTA_EXCEEDED') },
      'RATE_LIMITED',
      FCM_QUOTA_WAIT_MS,
    ],
    [
      'UNAVAILABLE with Retry-After',
      { kind: 'response', status: 503, body: fcmError(503, 'UNAVAILABLE'), retryAfter: '5' },
      'PROVIDER_UNAVAILABLE',
      5_000,
    ],
    [
      'INTERNAL with an HTTP-date',
      {
        kind: 'response',
        status: 500,
        body: fcmError(500, 'INTERNAL'),
        retryAfter: new Date(NOW + 8_000).toUTCString(),
      },
      'PROVIDER_UNAVAILABLE',
      8_000,
    ],
    [
      'SENDER_ID_MISMATCH',
      { kind: 'response', status: 403, body: fcmError(403, 'SENDER_ID_MISMATCH') },
      'ACCOUNT_UNUSABLE',
      undefined,
    ],
    [
      'THIRD_PARTY_AUTH_ERROR',
      { kind: 'response', status: 401, body: fcmError(401, 'THIRD_PARTY_AUTH_ERROR') },
      'AUTH_FAILED',
      undefined,
    ],
    [
      '401 UNAUTHENTICATED',
      { kind: 'response', status: 401, body: fcmError(401, undefined, 'x', 'UNAUTHENTICATED') },
      'AUTH_FAILED',
      undefined,
    ],
    [
      '403 PERMISSION_DENIED',
      { kind: 'response', status: 403, body: fcmError(403, undefined, 'x', 'PERMISSION_DENIED') },
      'AUTH_FAILED',
      undefined,
    ],
    [
      '404 without FcmError (no project)',
      { kind: 'response', status: 404, body: 'Not Found' },
      'ACCOUNT_UNUSABLE',
      undefined,
    ],
    [
      '502 with an HTML body',
      { kind: 'response', status: 502, body: '<html>Bad Gateway</html>' },
      'PROVIDER_UNAVAILABLE',
      undefined,
    ],
    ['200 without a name', { kind: 'response', status: 200, body: '{}' }, 'PROVIDER_RESPONSE_INVALID', undefined],
    ['a timeout', { kind: 'timeout' }, 'TIMEOUT', undefined],
    ['a network error', { kind: 'network-error' }, 'NETWORK_ERROR', undefined],
  ])('%s → %s', (_name, exchange, code, retryAfterMs) => {
    const outcome = classifyFcmResponse(exchange, NOW);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe(code);
    expect(outcome.error.retryAfterMs).toBe(retryAfterMs);
  });

  it('names the message on success', () => {
    expect(
      classifyFcmResponse({ kind: 'response', status: 200, body: '{"name":"projects/p/messages/0:1"}' }, NOW),
    ).toEqual({ ok: true, providerMessageId: 'projects/p/messages/0:1' });
  });

  it('asks for a token refresh on 401 UNAUTHENTICATED only', () => {
    const unauthenticated = classifyFcmResponse(
      { kind: 'response', status: 401, body: fcmError(401, undefined, 'x', 'UNAUTHENTICATED') },
      NOW,
    );
    const thirdParty = classifyFcmResponse(
      { kind: 'response', status: 401, body: fcmError(401, 'THIRD_PARTY_AUTH_ERROR') },
      NOW,
    );
    expect(unauthenticated).toMatchObject({ refreshToken: true });
    expect(thirdParty).not.toHaveProperty('refreshToken');
  });

  it('never repeats FCM free text (which may quote the token) in the error', () => {
    const token = 'cXkAbCdEfGhIjKlMnOpQrS:APA91bSECRET';
    const outcome = classifyFcmResponse(
      {
        kind: 'response',
        status: 400,
        body: fcmError(400, undefined, `The registration token ${token} is not valid`, `BAD ${token}`),
      },
      NOW,
    );
    expect(JSON.stringify(outcome)).not.toContain('SECRET');
    if (!outcome.ok) expect(`${outcome.error.message} ${outcome.error.providerCode}`).not.toContain('SECRET');
  });
});
