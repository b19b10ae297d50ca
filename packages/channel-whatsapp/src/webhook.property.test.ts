import fc from 'fast-check';
import { describe, it } from 'vitest';
import { hostileText, jsonish } from '../../../vitest.arbitraries.js';
import { checkProperty, PROPERTY_TIMEOUT_MS } from '../../../vitest.property.js';
import { SIGNATURE_HEADER, signPayload } from './signature.js';
import { inbound, inboxRig, notification, textMessage } from './test/inbox-rig.js';
import { createWhatsAppWebhookHandler } from './webhook.js';

const BOUNDARY = 'whatsapp webhook';
const APP_SECRET = 'a3f9c2e17b5d4e60a8b1c2d3e4f5a6b7';
const VERIFY_TOKEN = 'verifica-jesi-2026';
const URL_ = 'https://avvisi.example.it/whatsapp';

const rig = inboxRig();
const handle = createWhatsAppWebhookHandler(rig.inbox, { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });

/** Bodies Meta would never send, and some it would: bytes, text, JSON, notification-shaped JSON. */
const body = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  hostileText().map((text) => new TextEncoder().encode(text)),
  jsonish.map((value) => new TextEncoder().encode(JSON.stringify(value) ?? '')),
  fc
    .tuple(
      fc.constantFrom('393357152219', '39335', 'SEKRET9431'),
      fc.oneof(hostileText(), fc.constantFrom('ISCRIVIMI', 'STOP')),
    )
    .map(([from, text]) => new TextEncoder().encode(JSON.stringify(notification([inbound(textMessage(from, text))])))),
);

const signature = fc.constantFrom('valid', 'missing', 'wrong', 'other secret');

describe('whatsapp webhook under generated input', () => {
  it(
    'answers any signed or unsigned body with 200, 400, 401 or 413, never a 5xx, and echoes no secret',
    async () => {
      await checkProperty(
        BOUNDARY,
        'any POST',
        fc.asyncProperty(body, signature, async (raw, kind) => {
          const headers: Record<string, string> = {};
          if (kind === 'valid') headers[SIGNATURE_HEADER] = signPayload(raw, APP_SECRET);
          if (kind === 'wrong') headers[SIGNATURE_HEADER] = `sha256=${'0'.repeat(64)}`;
          if (kind === 'other secret') headers[SIGNATURE_HEADER] = signPayload(raw, `${APP_SECRET}x`);
          const response = await handle(new Request(URL_, { method: 'POST', headers, body: raw }));
          const expected = kind === 'valid' ? [200, 400] : [401];
          if (!expected.includes(response.status))
            throw new Error(`answered ${response.status} to a ${kind} signature`);
          const text = await response.text();
          if (text.includes(APP_SECRET) || text.includes(VERIFY_TOKEN)) throw new Error('a secret left the webhook');
        }),
        { test: 150, fuzz: 8_000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'answers any verification query with 200 only for the right token, echoing only a plain challenge',
    async () => {
      await checkProperty(
        BOUNDARY,
        'any verification',
        fc.asyncProperty(
          fc.constantFrom('subscribe', 'unsubscribe', ''),
          fc.oneof(fc.constant(VERIFY_TOKEN), fc.constant(`${VERIFY_TOKEN}x`), hostileText(2)),
          fc.oneof(fc.stringMatching(/^[0-9]{1,12}$/), hostileText(2)),
          async (mode, token, challenge) => {
            const url = new URL(URL_);
            url.search = new URLSearchParams({
              'hub.mode': mode,
              'hub.verify_token': token,
              'hub.challenge': challenge,
            }).toString();
            const response = await handle(new Request(url));
            const text = await response.text();
            const right = mode === 'subscribe' && token === VERIFY_TOKEN;
            if (
              response.status >= 500 ||
              (response.status === 200) !== (right && /^[A-Za-z0-9_-]{1,128}$/.test(challenge))
            ) {
              throw new Error(`answered ${response.status}`);
            }
            if (response.status === 200 ? text !== challenge : text !== '') throw new Error('unexpected body');
            if (text.includes(VERIFY_TOKEN) || text.includes(APP_SECRET)) throw new Error('a secret left the webhook');
          },
        ),
        { test: 150, fuzz: 4_000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
