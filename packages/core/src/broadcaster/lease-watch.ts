import type { RunLease } from '../store/run-store.js';
import type { Clock } from '../util/clock.js';

interface Sighting {
  owner: string;
  expiresAt: number;
  /** Monotonic time of the first sighting of this exact lease. */
  since: number;
  /** How long it must stay unchanged before it counts as abandoned, in ms. */
  patience: number;
}

/**
 * Decides when a lease held by another process may be taken over, without trusting the wall
 * clock alone. Lease expiry is wall time (the only time processes share), so a step of the wall
 * clock (+8 h after a suspend, an NTP correction) makes every live lease look expired at once.
 * A lease therefore counts as abandoned only when it has expired by the wall clock **and** this
 * process has seen it unchanged — not renewed — for as long as it still had to run when first
 * seen (a whole lease TTL if it was already expired then), measured on the monotonic clock.
 * A live owner renews every third of its TTL, so it is never taken over by a clock step. The
 * same rule Kubernetes' leader election uses (observed time, local clock).
 */
export class LeaseWatch {
  readonly #owner: string;
  readonly #ttlMs: number;
  readonly #clock: Clock;
  readonly #sightings = new Map<string, Sighting>();

  /**
   * @param owner - This process's lease token.
   * @param ttlMs - This process's lease TTL (the patience for a lease first seen expired).
   * @param clock - Wall and monotonic time.
   */
  constructor(owner: string, ttlMs: number, clock: Clock) {
    this.#owner = owner;
    this.#ttlMs = ttlMs;
    this.#clock = clock;
  }

  /**
   * Whether this process may try to take the run's lease now.
   *
   * @param runId - The run.
   * @param lease - The lease as the store holds it now (`undefined`: nobody holds it).
   */
  mayTake(runId: string, lease: RunLease | undefined): boolean {
    if (lease === undefined || lease.owner === this.#owner) {
      this.#sightings.delete(runId);
      return true;
    }
    const wall = this.#clock.now();
    const monotonic = this.#clock.monotonic?.() ?? wall;
    const seen = this.#sightings.get(runId);
    if (seen === undefined || seen.owner !== lease.owner || seen.expiresAt !== lease.expiresAt) {
      const left = lease.expiresAt - wall;
      this.#sightings.set(runId, {
        owner: lease.owner,
        expiresAt: lease.expiresAt,
        since: monotonic,
        patience: left > 0 ? left : this.#ttlMs,
      });
      return false;
    }
    return lease.expiresAt < wall && monotonic - seen.since >= seen.patience;
  }

  /** Forgets a run (taken here, or over). */
  forget(runId: string): void {
    this.#sightings.delete(runId);
  }
}
