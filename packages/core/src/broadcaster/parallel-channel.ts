import type { AnyChannel } from '../channel/channel.js';

/**
 * Whether several processes may deliver one run on `channel` at once: the channel says its
 * provider has no per-account limit (`limits.parallel`) and it has no rate to keep. With a rate,
 * each process would pace on its own and together they would exceed it.
 */
export function isParallel(channel: AnyChannel | undefined): boolean {
  if (channel?.limits.parallel !== true) return false;
  const { ratePerSecond, shared } = channel.limits;
  return !Number.isFinite(ratePerSecond) && (shared ?? []).every((budget) => !Number.isFinite(budget.ratePerSecond));
}
