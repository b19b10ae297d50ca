/**
 * Seeded faults on sends, as fractions (0..1) of all sends. Every draw comes from one seeded
 * generator, so a run with the same seed and the same order of requests fails the same way.
 */
export interface SandboxFaults {
  /** Answered 500 after arriving (counted against the limits; not delivered). @defaultValue 0 */
  serverError?: number;
  /** Answered 502 after arriving (counted; not delivered). @defaultValue 0 */
  badGateway?: number;
  /** Accepted and delivered, then the connection is dropped without an answer. @defaultValue 0 */
  drop?: number;
  /** Accepted and delivered, answered `slowMs` late (a client may time out and resend). @defaultValue 0 */
  slow?: number;
  /** How late a slow answer comes, in ms. @defaultValue 5000 */
  slowMs?: number;
  /**
   * Refused with a 429 (`retry_after` 1) the client did not cause, counted apart as `seeded`; the
   * bot then waits that second like after a breach, and sends during it count as the client's.
   * @defaultValue 0
   */
  tooManyRequests?: number;
}

/** The fault drawn for one send. */
export type SendFault =
  { kind: 'none' | 'serverError' | 'badGateway' | 'drop' | 'tooManyRequests' } | { kind: 'slow'; delayMs: number };

/** Latency and faults of the sandbox's "network", from one seeded generator. */
export interface SandboxNetwork {
  /**
   * The latency of the next request, split into the part before it arrives and the part before
   * its answer leaves: a request can arrive late and answer fast, or the other way round.
   */
  latency(): { inboundMs: number; outboundMs: number };
  fault(): SendFault;
  configure(options: { latencyMs?: number | readonly [number, number]; faults?: SandboxFaults }): void;
}

const NONE: SendFault = { kind: 'none' };

/**
 * Creates the sandbox network.
 *
 * @param options - Latency (fixed, or `[least, most]` drawn uniformly per request), faults and seed.
 * @returns The network.
 */
export function createSandboxNetwork(options: {
  latencyMs?: number | readonly [number, number];
  faults?: SandboxFaults;
  seed: number;
}): SandboxNetwork {
  const random = seededRandom(options.seed);
  let latency = toRange(options.latencyMs);
  let faults = options.faults ?? {};
  return {
    latency() {
      const [least, most] = latency;
      if (most <= 0) return { inboundMs: 0, outboundMs: 0 };
      const total = least + random() * (most - least);
      const inbound = random() * total;
      return { inboundMs: inbound, outboundMs: total - inbound };
    },
    fault() {
      const draw = random();
      let bound = 0;
      for (const kind of ['serverError', 'badGateway', 'drop', 'slow', 'tooManyRequests'] as const) {
        bound += faults[kind] ?? 0;
        if (draw >= bound) continue;
        return kind === 'slow' ? { kind, delayMs: faults.slowMs ?? 5_000 } : { kind };
      }
      return NONE;
    },
    configure(next) {
      if (next.latencyMs !== undefined) latency = toRange(next.latencyMs);
      if (next.faults !== undefined) faults = next.faults;
    },
  };
}

function toRange(latencyMs: number | readonly [number, number] | undefined): readonly [number, number] {
  if (latencyMs === undefined) return [0, 0];
  return typeof latencyMs === 'number' ? [latencyMs, latencyMs] : latencyMs;
}

/**
 * mulberry32: a small seeded generator, so faults and jitter are replayable from a printed seed.
 *
 * @param seed - Any 32-bit integer.
 * @returns Numbers in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
