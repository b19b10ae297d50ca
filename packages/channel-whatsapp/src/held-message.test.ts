import type { ChannelEstimate } from '@banditore/core';
import { describe, expect, it } from 'vitest';
import { describeHeld } from './held-message.js';

// 6 December 2026, 09:14 in Rome (08:14 UTC).
const now = Date.UTC(2026, 11, 6, 8, 14);
const estimate = (lastAt: number | undefined): ChannelEstimate => ({
  channel: 'whatsapp',
  recipients: 11_000,
  seconds: 86_400,
  ratePerSecond: 1000,
  cost: 1,
  ...(lastAt === undefined ? {} : { held: { recipients: 1_000, lastAt } }),
});

describe('unit: describeHeld', () => {
  it.each([
    ['en', now + 86_400_000, '11,000 recipients at tier 10,000: the last 1,000 go out tomorrow after 09:14'],
    [
      'it',
      now + 86_400_000,
      '11.000 destinatari con il limite di 10.000: gli ultimi 1.000 partono domani dopo le 09:14',
    ],
    ['en', now + 3_600_000, '11,000 recipients at tier 10,000: the last 1,000 go out today after 10:14'],
    [
      'it',
      now + 3 * 86_400_000,
      '11.000 destinatari con il limite di 10.000: gli ultimi 1.000 partono tra 3 giorni dopo le 09:14',
    ],
  ] as const)('in %s for %i', (language, lastAt, sentence) => {
    expect(describeHeld(estimate(lastAt), { now, messagingLimit: 10_000, language })).toBe(sentence);
  });

  it('says nothing when nobody is held', () => {
    expect(describeHeld(estimate(undefined), { now, messagingLimit: 10_000 })).toBeUndefined();
  });
});
