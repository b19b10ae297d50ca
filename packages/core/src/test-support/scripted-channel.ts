import type { Channel, SendResult } from '../channel/channel.js';
import { ChannelError, type ChannelErrorOptions } from '../channel/channel-error.js';
import type { ChannelErrorCode } from '../channel/error-codes.js';
import {
  createSandboxChannel,
  type SandboxChannel,
  type SandboxChannelOptions,
  type SandboxChannelMessage,
} from '../testing/sandbox-channel.js';
import { sleep, systemClock } from '../util/clock.js';

/** What a scripted send answers: `'ok'` goes through the sandbox (recorded), anything else fails. */
export type ScriptedAnswer = 'ok' | ({ code: ChannelErrorCode } & ChannelErrorOptions);

/** A sandbox channel whose answers come from a script, with a log of every call. */
export interface ScriptedChannel extends SandboxChannel {
  /** Every send in call order: address and the clock time it was made. */
  readonly calls: Array<{ address: string; at: number }>;
}

/**
 * Wraps the sandbox so each send asks `script(address, call)` what to answer (`call` counts the
 * sends to that address, from 1). Latency and recording stay the sandbox's.
 *
 * @param script - Decides each answer.
 * @param options - Sandbox options (clock, limits, latency).
 */
export function createScriptedChannel(
  script: (address: string, call: number) => ScriptedAnswer,
  options: SandboxChannelOptions = {},
): ScriptedChannel {
  // Latency applies to every answer, failures included, so it is handled here.
  const { latencyMs, ...rest } = options;
  const sandbox = createSandboxChannel(rest);
  const clock = options.clock ?? systemClock;
  const calls: Array<{ address: string; at: number }> = [];
  const perAddress = new Map<string, number>();
  return {
    ...sandbox,
    calls,
    async send(address, rendered, sendOptions): Promise<SendResult> {
      calls.push({ address, at: clock.now() });
      const call = (perAddress.get(address) ?? 0) + 1;
      perAddress.set(address, call);
      const answer = script(address, call);
      const latency = typeof latencyMs === 'function' ? latencyMs() : (latencyMs ?? 0);
      if (latency > 0) await sleep(clock, latency, sendOptions.signal).catch(() => undefined);
      if (answer === 'ok') return sandbox.send(address, rendered, sendOptions);
      const { code, ...errorOptions } = answer;
      return { ok: false, error: new ChannelError(code, `scripted ${code}`, errorOptions) };
    },
  };
}

/**
 * Wraps a sandbox channel so `render()` waits until `release()` is called — a channel that has to
 * prepare something (upload an image, say) before it can render.
 */
export function withHeldRender(sandbox: SandboxChannel): {
  channel: Channel<SandboxChannelMessage>;
  release: () => void;
} {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const channel: Channel<SandboxChannelMessage> = {
    ...sandbox,
    render: async (...args: Parameters<SandboxChannel['render']>) => {
      await held;
      return sandbox.render(...args);
    },
  };
  return { channel, release };
}
