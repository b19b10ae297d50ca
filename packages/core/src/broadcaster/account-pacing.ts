import type { AnyChannel } from '../channel/channel.js';
import type { RunRecord, Store } from '../store/run-store.js';
import type { Clock } from '../util/clock.js';
import type { Lane } from './lane.js';
import { isParallel } from './parallel-channel.js';

/**
 * How long the ledger of a channel must stay still, with nothing claimed, before a new pacer
 * sends on it, in ms: the providers' window (Telegram, WhatsApp and the sandboxes count per
 * second). The rate gate of the new pacer knows nothing of the old one's sends, and the store
 * keeps no send times to seed it with, so the old pacer's last second has to pass first.
 */
export const HANDOVER_QUIET_MS = 1_000;

/** Whether this process may send on a channel now; read by the lanes on every delivery. */
export interface PacingPermit {
  readonly here: boolean;
}

/** A permit that is always granted: parallel channels, and tests of a single run channel. */
export const ALWAYS: PacingPermit = { here: true };

interface ChannelPacing {
  permit: { here: boolean };
  /** Another process was seen pacing this channel: taking it on is a handover. */
  seenElsewhere: boolean;
  /** While handing over: the ledger's last shape and since when (monotonic) it has not changed. */
  quiet: { shape: string; since: number } | undefined;
}

/**
 * The processes holding a live lease on an active run of each channel, oldest run first. The
 * first is the channel's pacer: every process computes it from the same list, so they agree as
 * soon as they have read the same runs.
 *
 * @param records - Active runs, oldest first (`listActiveRuns`).
 * @param now - Wall time: leases are compared across processes.
 */
export function holdersOf(records: readonly RunRecord[], now: number): Map<string, string[]> {
  const holders = new Map<string, string[]>();
  for (const record of records) {
    const lease = record.lease;
    if (record.status !== 'active' || lease === undefined || lease.expiresAt < now) continue;
    for (const { channel } of record.audiences) {
      const owners = holders.get(channel) ?? [];
      if (!owners.includes(lease.owner)) owners.push(lease.owner);
      holders.set(channel, owners);
    }
  }
  return holders;
}

/**
 * One process's side of pacing sender accounts shared with other processes. Pacing is exact only
 * inside one process, so a channel with a rate (a sender account: a Telegram bot, a WhatsApp
 * number) is sent on by one process at a time, its pacer (see {@link holdersOf}); the others keep
 * their deliveries on it in the ledger, and the pacer sends them in its lane, in priority order
 * with its own. Channels without a per-account limit (`isParallel`) are sent on by everyone.
 *
 * A process that stops pacing a channel stands down at once: its queued claims go back to
 * pending, sends in flight finish. A process that becomes the pacer after another one starts
 * only once nothing is claimed on the channel and the ledger has stood still for
 * {@link HANDOVER_QUIET_MS} (claims that stand still for a lease TTL belong to a process that
 * died: they go back to pending, counted as ambiguous). A process that never saw another process
 * hold a run on the channel starts at once (a single process, or the first of several).
 */
export class AccountPacing {
  readonly #channels = new Map<string, ChannelPacing>();
  readonly #options: AccountPacingOptions;

  constructor(options: AccountPacingOptions) {
    this.#options = options;
    for (const channel of options.channels.values())
      if (!isParallel(channel))
        this.#channels.set(channel.name, { permit: { here: false }, seenElsewhere: false, quiet: undefined });
  }

  /** The permit of a channel, for its run channels here. */
  permit(channel: string): PacingPermit {
    return this.#channels.get(channel)?.permit ?? ALWAYS;
  }

  /** Whether this process paces `channel` (or may send on it anyway: it has no rate). */
  pacesHere(channel: string): boolean {
    return this.permit(channel).here;
  }

  /** Whether this process paces a sender account (a channel with a rate) that the run needs. */
  pacesAccountOf(record: RunRecord): boolean {
    return record.audiences.some((audience) => this.#channels.get(audience.channel)?.permit.here === true);
  }

  /**
   * Takes in the active runs as just read: stands down where another process paces, starts
   * where this one has become the pacer (after a handover, once the ledger is quiet).
   *
   * @param records - `listActiveRuns()`, oldest first.
   */
  async update(records: readonly RunRecord[]): Promise<void> {
    const { clock, leaseOwner } = this.#options;
    const holders = holdersOf(records, clock.now());
    for (const [name, state] of this.#channels) {
      const owners = holders.get(name) ?? [];
      const pacer = owners[0];
      if (pacer === undefined) continue;
      // Another live holder of a run on the account may be sending on it: starting is a handover.
      if (owners.length > 1) state.seenElsewhere = true;
      if (pacer !== leaseOwner) {
        state.seenElsewhere = true;
        state.quiet = undefined;
        this.#standDown(name, state);
        continue;
      }
      if (state.permit.here) continue;
      if (!state.seenElsewhere || (await this.#quiet(name, state, records))) this.#grant(name, state);
    }
  }

  /** Stops sending on every paced channel (this process delivers no run any more). */
  standDownAll(): void {
    for (const [name, state] of this.#channels) {
      state.quiet = undefined;
      this.#standDown(name, state);
    }
  }

  #grant(name: string, state: ChannelPacing): void {
    state.permit.here = true;
    state.quiet = undefined;
    this.#options.lanes.get(name)?.notify();
  }

  #standDown(name: string, state: ChannelPacing): void {
    if (!state.permit.here) return;
    state.permit.here = false;
    this.#options.lanes.get(name)?.standDown();
    // The next pacer waits for the ledger to show these outcomes.
    this.#options.flush().catch((error: unknown) => this.#options.onError('recordOutcomes', error));
  }

  /**
   * Whether the channel's ledger, over the active runs that have it, has held no claims and not
   * changed for a whole window. Claims that stand still for a lease TTL are released.
   */
  async #quiet(name: string, state: ChannelPacing, records: readonly RunRecord[]): Promise<boolean> {
    const { store, pacing, leaseTtlMs } = this.#options;
    const withChannel = records.filter((record) => record.audiences.some((audience) => audience.channel === name));
    const held: string[] = [];
    const parts: string[] = [];
    for (const record of withChannel) {
      const byStatus = (await store.deliveryCounts(record.id)).find((entry) => entry.channel === name)?.byStatus;
      if (!byStatus) continue;
      const total = Object.values(byStatus).reduce((sum, value) => sum + value, 0);
      if (byStatus.claimed > 0) held.push(record.id);
      parts.push(`${record.id}:${byStatus.claimed}:${total - byStatus.pending - byStatus.claimed}`);
    }
    // Taken after the reads: whatever the old pacer sent had arrived by then.
    const now = pacing.now();
    const shape = parts.join(',');
    if (state.quiet === undefined || state.quiet.shape !== shape) {
      state.quiet = { shape, since: now };
      return false;
    }
    if (held.length === 0) return now - state.quiet.since >= HANDOVER_QUIET_MS;
    if (now - state.quiet.since < leaseTtlMs) return false;
    // Nobody moved these for a lease TTL: their process is gone. Sent again, counted as ambiguous.
    for (const runId of held) await store.releaseClaims(runId, { channel: name, ambiguous: true });
    state.quiet = undefined;
    return false;
  }
}

/** What {@link AccountPacing} needs. */
export interface AccountPacingOptions {
  store: Store;
  /** Wall clock: leases. */
  clock: Clock;
  /** Monotonic clock: the quiet window. */
  pacing: Clock;
  leaseOwner: string;
  leaseTtlMs: number;
  channels: ReadonlyMap<string, AnyChannel>;
  lanes: ReadonlyMap<string, Lane>;
  /** Writes buffered outcomes to the ledger. */
  flush: () => Promise<void>;
  onError: (where: string, error: unknown) => void;
}
