import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of {@link startSandboxProvider}. */
export interface SandboxProviderOptions {
  /** Requests allowed per sender account in any sliding second, counted on arrival. */
  ratePerSecond: number;
  /** Seed of the latency jitter. */
  seed: number;
  /** Response latency range in ms. @defaultValue [2, 20] */
  latencyMs?: [number, number];
}

/** A local provider as strict as a real one at worst, recording what it accepted. */
export interface SandboxProvider {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Messages accepted per recipient. */
  readonly received: Map<string, number>;
  /** Messages accepted per sender process (the `x-sender-instance` header). */
  readonly instances: Map<string, number>;
  /** Arrival time (ms, monotonic) of every accepted message, in order. */
  readonly arrivals: number[];
  /** Requests refused with 429 because the account's sliding window was full. */
  readonly violations: number;
  /** Total messages accepted. */
  readonly total: number;
  /** The sender process of the latest accepted message. */
  readonly lastInstance: string | undefined;
  close(): Promise<void>;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/**
 * Starts the sandbox on port 0. `POST /messages` with `{ "to", "text" }`: the request is counted
 * in the account's exact sliding one-second window **when it arrives**; over the limit it is
 * refused with `429 { retry_after: 1 }` (a real provider would also penalise the account), else
 * accepted after a seeded latency with `200 { id }`.
 *
 * @param options - Limit and seed.
 * @returns The running sandbox.
 */
export async function startSandboxProvider(options: SandboxProviderOptions): Promise<SandboxProvider> {
  const random = mulberry32(options.seed);
  const [low, high] = options.latencyMs ?? [2, 20];
  const received = new Map<string, number>();
  const instances = new Map<string, number>();
  const arrivals: number[] = [];
  // Arrival times inside the current window, oldest first.
  const window: number[] = [];
  let violations = 0;
  let total = 0;
  let lastInstance: string | undefined;
  const server = createServer((request, response) => {
    const arrived = performance.now();
    void (async () => {
      if (request.method !== 'POST' || request.url !== '/messages') return reply(response, 404, { error: 'not found' });
      while (window.length > 0 && window[0]! <= arrived - 1_000) window.shift();
      if (window.length >= options.ratePerSecond) {
        violations++;
        return reply(response, 429, { error: 'too many requests', retry_after: 1 });
      }
      window.push(arrived);
      let message: { to?: unknown; text?: unknown };
      try {
        message = JSON.parse(await readBody(request)) as typeof message;
      } catch {
        return reply(response, 400, { error: 'invalid JSON' });
      }
      if (typeof message.to !== 'string' || message.to === '' || typeof message.text !== 'string') {
        return reply(response, 400, { error: 'to and text are required' });
      }
      await new Promise((resolve) => setTimeout(resolve, low + random() * (high - low)));
      total++;
      arrivals.push(arrived);
      received.set(message.to, (received.get(message.to) ?? 0) + 1);
      const instance = String(request.headers['x-sender-instance'] ?? '');
      instances.set(instance, (instances.get(instance) ?? 0) + 1);
      lastInstance = instance;
      reply(response, 200, { id: `msg-${total}` });
    })();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    instances,
    arrivals,
    get violations() {
      return violations;
    },
    get total() {
      return total;
    },
    get lastInstance() {
      return lastInstance;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * The longest pause between two consecutive accepted messages, in ms.
 *
 * @param arrivals - Arrival times in order.
 */
export function longestGap(arrivals: readonly number[]): number {
  let longest = 0;
  for (let i = 1; i < arrivals.length; i++) longest = Math.max(longest, arrivals[i]! - arrivals[i - 1]!);
  return longest;
}
