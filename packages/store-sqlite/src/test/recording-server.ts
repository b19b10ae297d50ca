import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local message provider that records every message it accepts. */
export interface RecordingServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Messages received per recipient. */
  readonly received: Map<string, number>;
  /** Which sender instances delivered (from the `x-sender-instance` header). */
  readonly instances: Map<string, number>;
  /** Total messages accepted. */
  readonly total: number;
  /** Called after each accepted message with the running total. */
  onMessage: ((total: number) => void) | undefined;
  close(): Promise<void>;
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
 * Starts the recording provider on port 0. It speaks a tiny API: `POST /messages` with
 * `{ "to": string, "text": string }` answers `200 { "id": string }`, bad bodies `400`.
 *
 * @returns The running server.
 */
export async function startRecordingServer(): Promise<RecordingServer> {
  const received = new Map<string, number>();
  const instances = new Map<string, number>();
  let total = 0;
  const server = createServer((request, response) => {
    void (async () => {
      if (request.method !== 'POST' || request.url !== '/messages') return reply(response, 404, { error: 'not found' });
      let message: { to?: unknown; text?: unknown };
      try {
        message = JSON.parse(await readBody(request)) as typeof message;
      } catch {
        return reply(response, 400, { error: 'invalid JSON' });
      }
      if (typeof message.to !== 'string' || message.to === '' || typeof message.text !== 'string') {
        return reply(response, 400, { error: 'to and text are required' });
      }
      total++;
      received.set(message.to, (received.get(message.to) ?? 0) + 1);
      const instance = String(request.headers['x-sender-instance'] ?? '');
      instances.set(instance, (instances.get(instance) ?? 0) + 1);
      reply(response, 200, { id: `msg-${total}` });
      recording.onMessage?.(total);
    })();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const recording: RecordingServer = {
    url: `http://127.0.0.1:${port}`,
    received,
    instances,
    get total() {
      return total;
    },
    onMessage: undefined,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return recording;
}
