import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock } from '@banditore/core';
import { sleep } from '@banditore/core/authoring';
import { runMethod, type MethodAnswer, type MethodContext } from './sandbox-methods.js';
import type { SandboxNetwork } from './sandbox-network.js';
import type { SandboxRecord } from './sandbox-record.js';
import { notFound, readParams } from './sandbox-request.js';
import { SANDBOX_METHODS } from './spec-subset.js';

const TOKEN_FORMAT = /^\d{1,20}:[A-Za-z0-9_-]{20,100}$/;
const CANONICAL = new Map<string, string>(SANDBOX_METHODS.map((method) => [method.toLowerCase(), method]));

/** The sandbox's HTTP side: routes Bot API calls, adds latency, serves drops and slow answers. */
export interface SandboxServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts the sandbox's `node:http` server. Each request gets a latency from the network, split
 * into a part before it arrives (before the method runs and the limits count it) and a part
 * before its answer leaves, so arrivals bunch and spread as they do over a real network.
 *
 * @param deps - Method context, network, record, accepted token, listen address and clock.
 * @returns The running server.
 */
export async function startSandboxServer(deps: {
  context: MethodContext;
  network: SandboxNetwork;
  record: SandboxRecord;
  token: string | undefined;
  host: string;
  port: number;
  clock: Clock;
  /** The limits' clock (monotonic), for when a request left the client. */
  windowClock: Clock;
}): Promise<SandboxServer> {
  const { context, network, record, clock } = deps;
  const server = createServer((request, response) => {
    void handle(request, response);
  });
  server.keepAliveTimeout = 30_000;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    record.count('request');
    const latency = network.latency();
    let answer: MethodAnswer;
    try {
      answer = await answerFor(request, response, latency.inboundMs);
    } catch {
      // A broken request stream; a real server answers 500 and keeps running.
      answer = { status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } };
    }
    const delay = latency.outboundMs + (answer.delayMs ?? 0);
    if (delay > 0) await sleep(clock, delay);
    // Telegram's wait runs from when the client can know of it.
    if (answer.seeded) context.limiter.seededAnswered(1000);
    if (answer.status >= 400 && answer.status !== 429 && answer.status < 500) record.count('rejected');
    if (response.destroyed) return;
    if (answer.drop) {
      response.socket?.destroy();
      return;
    }
    const payload = JSON.stringify(answer.body);
    response.writeHead(answer.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    });
    response.end(payload);
  }

  async function answerFor(
    request: IncomingMessage,
    response: ServerResponse,
    inboundMs: number,
  ): Promise<MethodAnswer> {
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const match = /^\/bot([^/]+)\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    if (!match) return notFound();
    const token = decodeURIComponent(match[1]!);
    if (!TOKEN_FORMAT.test(token)) return notFound();
    if (deps.token !== undefined && token !== deps.token) {
      return { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
    }
    const method = CANONICAL.get(match[2]!.toLowerCase());
    if (method === undefined) return notFound();
    record.countMethod(method);
    const input = await readParams(request, url);
    if ('status' in input) return input;
    const readAt = deps.windowClock.now();
    if (inboundMs > 0) await sleep(clock, inboundMs);
    return runMethod(context, method, input.params, (abort) => response.on('close', abort), readAt);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, deps.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
