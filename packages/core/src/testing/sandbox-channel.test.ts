import { describe, expect, it } from 'vitest';
import { describeChannelContract } from './channel-contract.js';
import { sampleAnnouncement } from './fixtures.js';
import { createSandboxChannel } from './sandbox-channel.js';

describeChannelContract('sandbox', async () => ({
  channel: createSandboxChannel({ isGone: (address) => address === 'gone-1' }),
  address: 'citizen-1',
  goneAddress: 'gone-1',
  invalidAddress: 'not an address!',
  close: async () => undefined,
}));

describe('createSandboxChannel', () => {
  const signal = new AbortController().signal;

  it('answers with the configured failures and records only accepted sends', async () => {
    const channel = createSandboxChannel({ failureRate: 1 });
    const rendered = channel.render(sampleAnnouncement(), 'it');
    await expect(channel.send('a', rendered, { signal })).resolves.toMatchObject({
      ok: false,
      error: { code: 'PROVIDER_UNAVAILABLE' },
    });
    channel.configure({ failureRate: 0, rateLimitRate: 1 });
    const limited = await channel.send('a', rendered, { signal });
    expect(limited).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', retryAfterMs: 1000 } });
    channel.configure({ rateLimitRate: 0, authFailed: true });
    await expect(channel.send('a', rendered, { signal })).resolves.toMatchObject({
      ok: false,
      error: { code: 'AUTH_FAILED' },
    });
    channel.configure({ authFailed: false });
    await expect(channel.send('a', rendered, { signal })).resolves.toMatchObject({ ok: true });
    expect(channel.deliveries.map((delivery) => delivery.address)).toEqual(['a']);
    expect(channel.stats).toEqual({ sent: 1, failed: 1, rateLimited: 1, gone: 0 });
  });

  it('renders the headline, body and instruction in the asked language, falling back to the default', () => {
    const channel = createSandboxChannel();
    expect(channel.render(sampleAnnouncement(), 'en').text).toBe('Events this week\n\nSaturday market in the square.');
    expect(channel.render(sampleAnnouncement(), 'fr').language).toBe('it');
  });
});
