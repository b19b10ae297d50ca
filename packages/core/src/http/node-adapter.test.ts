import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isConfigError } from '../errors.js';
import { serve, type RunningServer } from './serve.js';
import type { FetchHandler } from './node-adapter.js';

let server: RunningServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(handler: FetchHandler): Promise<string> {
  server = await serve(handler);
  return server.url;
}

function rawRequest(url: string, text: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(text));
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('toNodeListener and serve', () => {
  it('passes method, URL, headers and body to the handler and writes status, headers and body back', async () => {
    const url = await start(async (request) => {
      const body = await request.text();
      const headers = new Headers({
        'content-type': 'application/json',
        'x-echo': request.headers.get('x-test') ?? '',
      });
      headers.append('set-cookie', 'a=1');
      headers.append('set-cookie', 'b=2');
      return new Response(JSON.stringify({ method: request.method, path: new URL(request.url).pathname, body }), {
        status: 201,
        headers,
      });
    });
    const response = await fetch(`${url}/webhook?x=1`, { method: 'POST', body: 'ciao', headers: { 'x-test': 'yes' } });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-echo')).toBe('yes');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ method: 'POST', path: '/webhook', body: 'ciao' });
  });

  it('streams a response chunk by chunk before the body ends', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const url = await start(() => {
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode('first\n'));
          await released;
          controller.enqueue(new TextEncoder().encode('second\n'));
          controller.close();
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/plain' } });
    });
    const response = await fetch(url);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    // The first chunk arrives while the handler is still holding the second one back.
    expect((await reader.read()).value).toBe('first\n');
    release();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += chunk.value;
    expect(rest).toBe('second\n');
  });

  it("aborts the request's signal when the client disconnects", async () => {
    let aborted: () => void = () => undefined;
    const wasAborted = new Promise<void>((resolve) => (aborted = resolve));
    const url = await start((request) => {
      request.signal.addEventListener('abort', () => aborted());
      return new Response(new ReadableStream({ start: (c) => c.enqueue(new Uint8Array([58, 10])) }));
    });
    await new Promise<void>((resolve) => {
      const req = httpRequest(url, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.end();
    });
    await wasAborted;
  });

  it('answers 500 without the error message when the handler throws', async () => {
    const url = await start(() => {
      throw new Error('secret token 123:ABC leaked');
    });
    const response = await fetch(url);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('Internal server error');
  });

  it('answers 400 to a request target that would change the origin', async () => {
    const url = await start(() => new Response('ok'));
    const ok = await rawRequest(url, 'GET /x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(ok.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    const raw = await rawRequest(
      url,
      'GET http://evil.example/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    expect(raw.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
  });

  it('sends no body to HEAD requests', async () => {
    const url = await start(() => new Response('body text', { headers: { 'content-type': 'text/plain' } }));
    const response = await fetch(url, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('rejects invalid options with a ConfigError', async () => {
    await expect(serve(() => new Response(), { port: 70_000 })).rejects.toSatisfy(isConfigError);
  });
});
