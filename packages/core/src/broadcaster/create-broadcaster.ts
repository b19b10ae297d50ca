import { createBroadcasterParts } from './broadcaster-parts.js';
import { createLifecycleMethods } from './broadcaster-lifecycle.js';
import { resolveOptions, type BroadcasterTuning } from './options.js';
import { createPublishMethods } from './publish.js';
import { createRunTaking, type ClosingState } from './run-taking.js';
import type { Broadcaster, BroadcasterOptions } from './types.js';

/**
 * Creates the broadcaster: one paced lane per channel, a batched delivery ledger, retries by the
 * one error-code table, emergencies first, and crash recovery through the store.
 *
 * @param options - Store, channels and optional clock, events, retry policy and sink.
 * @returns The broadcaster.
 * @throws ConfigError when an option is invalid (the message names the field).
 * @example
 * ```ts
 * const broadcaster = createBroadcaster({ store, channels: [telegram], onEvent: (e) => log(e.type) })
 * const run = await broadcaster.publish(announcement)
 * for await (const progress of run) render(progress)
 * const report = await run.done
 * ```
 */
export function createBroadcaster(options: BroadcasterOptions & BroadcasterTuning): Broadcaster {
  const parts = createBroadcasterParts(options, resolveOptions(options));
  const state: ClosingState = { closed: false, closing: new AbortController() };
  const taking = createRunTaking(parts, state);
  return {
    ...createPublishMethods(parts, taking, state),
    ...createLifecycleMethods(parts, taking, state),
  };
}
