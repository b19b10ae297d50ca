import { ChannelError, type Channel, type SendResult } from '@banditore/core';
import { Pool } from 'undici';
import { z } from 'zod';

/** Options of {@link createHttpTestChannel}. */
export interface HttpTestChannelOptions {
  /** The sandbox's origin. */
  baseUrl: string;
  /** Sent as `x-sender-instance`, so the sandbox can tell processes apart. */
  instance: string;
  /** The channel's declared rate limit. */
  ratePerSecond: number;
  /** No per-account limit: several workers may deliver one run at once (needs `ratePerSecond: Infinity`). */
  parallel?: boolean;
  /** @defaultValue 32 */
  concurrency?: number;
}

/**
 * A minimal real channel for the worker tests: one HTTP POST per message over an undici Pool,
 * the response classified into the core error table.
 *
 * @param options - Sandbox, identity and limit.
 * @returns The channel, named `http`.
 */
export function createHttpTestChannel(options: HttpTestChannelOptions): Channel<string> {
  const concurrency = options.concurrency ?? 32;
  const pool = new Pool(options.baseUrl, { connections: concurrency, pipelining: 1 });
  return {
    name: 'http',
    limits: { ratePerSecond: options.ratePerSecond, concurrency, parallel: options.parallel ?? false },
    addressSchema: z.string().min(1),
    render: (announcement, language) => announcement.content[language]?.headline ?? announcement.id,
    async send(address, rendered, { signal }): Promise<SendResult> {
      try {
        const response = await pool.request({
          method: 'POST',
          path: '/messages',
          headers: { 'content-type': 'application/json', 'x-sender-instance': options.instance },
          body: JSON.stringify({ to: address, text: rendered }),
          signal,
        });
        await response.body.dump();
        if (response.statusCode === 200) return { ok: true };
        if (response.statusCode === 429)
          return { ok: false, error: new ChannelError('RATE_LIMITED', 'Rate limited', { retryAfterMs: 1_000 }) };
        if (response.statusCode >= 500)
          return { ok: false, error: new ChannelError('PROVIDER_UNAVAILABLE', `HTTP ${response.statusCode}`) };
        return { ok: false, error: new ChannelError('MESSAGE_REJECTED', `HTTP ${response.statusCode}`) };
      } catch (error) {
        return { ok: false, error: new ChannelError('NETWORK_ERROR', 'Request failed', { cause: error }) };
      }
    },
    close: () => pool.close(),
  };
}
