import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyChannel, SendResult } from '../channel/channel.js';
import { CHANNEL_ERROR_CODES } from '../channel/error-codes.js';
import { isChannelError } from '../channel/channel-error.js';
import { checkSendResult } from '../broadcaster/send-result.js';
import { hostileAnnouncement, sampleAnnouncement } from './fixtures.js';

/** What a channel implementation hands to {@link describeChannelContract}. */
export interface ChannelContractSetup {
  /** The channel under test, pointed at a sandbox or fake provider. */
  channel: AnyChannel;
  /** An address the provider accepts. */
  address: string;
  /** An address the provider reports as gone (blocked, deleted). */
  goneAddress: string;
  /** A string the channel's `addressSchema` must reject. */
  invalidAddress: string;
  /** Stops the fake provider and closes the channel. */
  close(): Promise<void>;
}

/** Collects every string reachable from an error: message, JSON form, causes. */
function errorText(result: SendResult): string {
  if (result.ok) return '';
  const parts: string[] = [];
  let current: unknown = result.error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) parts.push(current.message, String(current.stack ?? ''));
    parts.push(JSON.stringify(current) ?? '');
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}

/**
 * Registers the conformance tests every channel must pass: a sane contract, rendering that is
 * pure and total, sends that resolve instead of throwing, classified errors from the one code
 * table, and no address or message text in any error.
 *
 * @param name - Shown in the test names.
 * @param setup - Starts the fake provider and builds the channel; called once for the suite.
 * @example
 * ```ts
 * describeChannelContract('telegram', async () => {
 *   const sandbox = await createTelegramSandbox()
 *   await sandbox.blockBot(666000001)
 *   return {
 *     channel: createTelegramChannel({ token, baseUrl: sandbox.url }),
 *     address: '42',
 *     goneAddress: '666000001',
 *     invalidAddress: 'not a chat',
 *     close: () => sandbox.close(),
 *   }
 * })
 * ```
 */
export function describeChannelContract(name: string, setup: () => Promise<ChannelContractSetup>): void {
  describe(`channel contract: ${name}`, () => {
    let context: ChannelContractSetup;
    beforeAll(async () => {
      context = await setup();
    });
    afterAll(async () => {
      await context?.close();
    });

    it('declares a name and usable limits', () => {
      const { channel } = context;
      expect(channel.name).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      expect(channel.limits.ratePerSecond).toBeGreaterThan(0);
      expect(Number.isInteger(channel.limits.concurrency)).toBe(true);
      expect(channel.limits.concurrency).toBeGreaterThanOrEqual(1);
      if (channel.limits.perRecipientIntervalMs !== undefined) {
        expect(channel.limits.perRecipientIntervalMs).toBeGreaterThanOrEqual(0);
      }
    });

    it('validates addresses with its schema', () => {
      expect(context.channel.addressSchema.safeParse(context.address).success).toBe(true);
      expect(context.channel.addressSchema.safeParse(context.invalidAddress).success).toBe(false);
    });

    it('renders every language deterministically', async () => {
      const announcement = sampleAnnouncement();
      for (const language of ['it', 'en', 'de']) {
        const first: unknown = await context.channel.render(announcement, language);
        const second: unknown = await context.channel.render(announcement, language);
        expect(first).toBeDefined();
        expect(second).toEqual(first);
      }
    });

    it('renders hostile, very long content without throwing, at a whole positive cost', async () => {
      const rendered: unknown = await context.channel.render(hostileAnnouncement(), 'it');
      expect(rendered).toBeDefined();
      if (context.channel.cost) {
        const cost = context.channel.cost(rendered);
        expect(Number.isInteger(cost) && cost >= 1).toBe(true);
      }
    });

    it('sends to a valid address and resolves ok', async () => {
      const rendered: unknown = await context.channel.render(sampleAnnouncement(), 'it');
      const result = await context.channel.send(context.address, rendered, { signal: new AbortController().signal });
      expect(result).toMatchObject({ ok: true });
    });

    it('resolves (never rejects) when the signal is already aborted', async () => {
      const rendered: unknown = await context.channel.render(sampleAnnouncement(), 'it');
      const controller = new AbortController();
      controller.abort(new Error('cancelled'));
      const outcome = await context.channel.send(context.address, rendered, { signal: controller.signal }).then(
        (result) => ({ settled: 'resolved' as const, result }),
        () => ({ settled: 'rejected' as const }),
      );
      expect(outcome.settled).toBe('resolved');
    });

    it('answers every send on contract, as the broadcaster checks it (anything else counts as UNKNOWN)', async () => {
      const rendered: unknown = await context.channel.render(sampleAnnouncement(), 'it');
      const aborted = new AbortController();
      aborted.abort(new Error('cancelled'));
      const sends = [
        { address: context.address, signal: new AbortController().signal },
        { address: context.goneAddress, signal: new AbortController().signal },
        { address: context.address, signal: aborted.signal },
      ];
      for (const { address, signal } of sends) {
        const answer: unknown = await context.channel.send(address, rendered, { signal }).catch(() => 'rejected');
        expect(checkSendResult(answer).violation).toBeUndefined();
      }
    });

    it('reports a gone recipient as RECIPIENT_GONE without leaking the address or text', async () => {
      const announcement = sampleAnnouncement();
      const rendered: unknown = await context.channel.render(announcement, 'it');
      const result = await context.channel.send(context.goneAddress, rendered, {
        signal: new AbortController().signal,
      });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(isChannelError(result.error)).toBe(true);
      expect(CHANNEL_ERROR_CODES).toContain(result.error.code);
      expect(result.error.code).toBe('RECIPIENT_GONE');
      const text = errorText(result);
      expect(text).not.toContain(context.goneAddress);
      expect(text).not.toContain(announcement.content.it!.headline);
    });
  });
}
