import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createManualClock } from '@banditore/core/testing';
import { Pool } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testSeed } from '../test/rig.js';
import { createWhatsAppSandbox, signBody, type WhatsAppSandbox, type WhatsAppSandboxOptions } from './index.js';

const clock = createManualClock(Date.UTC(2026, 11, 6, 9, 14));
const opened: WhatsAppSandbox[] = [];

async function start(options: WhatsAppSandboxOptions = {}): Promise<{ sandbox: WhatsAppSandbox; post: Post }> {
  const sandbox = await createWhatsAppSandbox({
    seed: testSeed('sandbox'),
    now: () => clock.now(),
    templates: [{ name: 'allerta', language: 'it', category: 'UTILITY', body: 1 }],
    ...options,
  });
  opened.push(sandbox);
  const pool = new Pool(sandbox.url, { connections: 64 });
  const post: Post = async (body, { endpoint = 'messages', token = sandbox.accessToken } = {}) => {
    const response = await pool.request({
      path: `/v23.0/${sandbox.phoneNumberIds[0]}/${endpoint}`,
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.body.json()) as { error?: { code: number }; messages?: Array<{ id: string }> };
    return { status: response.statusCode, code: json.error?.code, id: json.messages?.[0]?.id };
  };
  return { sandbox, post };
}
type Post = (
  body: object,
  options?: { endpoint?: string; token?: string },
) => Promise<{ status: number; code: number | undefined; id: string | undefined }>;

const template = (to: string): object => ({
  messaging_product: 'whatsapp',
  to,
  type: 'template',
  template: {
    name: 'allerta',
    language: { code: 'it' },
    components: [{ type: 'body', parameters: [{ type: 'text', text: 'Allerta' }] }],
  },
});
const text = (to: string): object => ({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'Ciao' } });

afterEach(async () => {
  for (const sandbox of opened.splice(0)) await sandbox.close();
});

describe('WhatsApp sandbox', () => {
  it('answers 190 to a wrong token and 100 to a body the OpenAPI rejects', async () => {
    const { post } = await start();
    expect((await post(template('393331000001'), { token: 'EAAnope' })).code).toBe(190);
    expect((await post({ messaging_product: 'whatsapp', to: '39333', type: 'text' })).code).toBe(100);
    expect((await post(template('393331000001'))).status).toBe(200);
  });

  it('counts throughput in an exact sliding second on arrival: 130429 past the limit', async () => {
    // Sandbox time stands still, so all 30 arrive in the same instant however busy the machine is.
    const { sandbox, post } = await start({
      phoneNumbers: [{ id: '106540352242922', throughput: 20 }],
      pairRateMs: 0,
      monotonic: () => 1_000,
    });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, index) => post(template(`3933310${index + 10000}`))),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(20);
    expect(answers.filter((answer) => answer.code === 130429)).toHaveLength(10);
    expect(sandbox.stats.errors[130429]).toBe(10);
  });

  it('refuses a second message to the same recipient within the pair rate (131056)', async () => {
    const { post } = await start({ pairRateMs: 60_000 });
    expect((await post(template('393331000002'))).status).toBe(200);
    expect((await post(template('393331000002'))).code).toBe(131056);
    expect((await post(template('393331000003'))).status).toBe(200);
  });

  it('refuses free-form outside the 24 h window (131047) and accepts it inside', async () => {
    const { sandbox, post } = await start({ pairRateMs: 0 });
    expect((await post(text('393331000004'))).code).toBe(131047);
    await sandbox.receiveInbound('393331000004', 'ciao', { at: clock.now() - 23 * 3_600_000 });
    expect((await post(text('393331000004'))).status).toBe(200);
    await sandbox.receiveInbound('393331000005', 'ciao', { at: clock.now() - 24 * 3_600_000 - 1 });
    expect((await post(text('393331000005'))).code).toBe(131047);
  });

  it('holds the portfolio to its rolling messaging limit of unique recipients, on the injected clock', async () => {
    const { sandbox, post } = await start({
      messagingLimit: 250,
      pairRateMs: 0,
      phoneNumbers: [{ id: '106540352242922', throughput: 1000 }],
    });
    const first = await Promise.all(
      Array.from({ length: 250 }, (_, index) => post(template(`3933320${index + 10000}`))),
    );
    expect(first.every((answer) => answer.status === 200)).toBe(true);
    // The same recipients again do not count twice; a new one is over the limit.
    expect((await post(template('393332010000'))).status).toBe(200);
    expect((await post(template('393339999999'))).code).toBe(131048);
    // Inside a window the message is not business-initiated and does not count.
    await sandbox.receiveInbound('393339999998', 'ciao', { at: clock.now() });
    expect((await post(template('393339999998'))).status).toBe(200);
    clock.advance(24 * 3_600_000);
    expect(sandbox.messagingLimitUsed()).toBe(0);
    expect((await post(template('393339999999'))).status).toBe(200);
  });

  it.each([
    ['an unknown template', { name: 'nessuno', language: { code: 'it' } }, 132001],
    ['a missing parameter', { name: 'allerta', language: { code: 'it' } }, 132000],
    [
      'a parameter with a new line',
      {
        name: 'allerta',
        language: { code: 'it' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'a\nb' }] }],
      },
      132012,
    ],
  ])('answers %s with its 132xxx code', async (_name, body, code) => {
    const { post } = await start();
    expect(
      (await post({ messaging_product: 'whatsapp', to: '393331000006', type: 'template', template: body })).code,
    ).toBe(code);
  });

  it('refuses a utility template on /marketing_messages', async () => {
    const { post } = await start();
    expect((await post(template('393331000007'), { endpoint: 'marketing_messages' })).code).toBe(100);
  });
});

describe('WhatsApp sandbox status webhooks', () => {
  let receiver: Server;
  let url: string;
  const bodies: Array<{ raw: string; signature: string | undefined }> = [];
  const APP_SECRET = 'sandbox-app-secret';

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        bodies.push({
          raw: Buffer.concat(chunks).toString('utf8'),
          signature: request.headers['x-hub-signature-256'] as string,
        });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook`;
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('posts signed, batched statuses out of order and duplicated, with async failures and the callback data', async () => {
    const { sandbox, post } = await start({
      pairRateMs: 0,
      webhook: { url, appSecret: APP_SECRET, duplicateRate: 0.3, readRate: 0.6, intervalMs: 5, batchSize: 7 },
    });
    sandbox.failRecipient('393331000099', 131026, 'async');
    const ids: string[] = [];
    for (let index = 0; index < 40; index++) {
      const to = index === 0 ? '393331000099' : `3933330${index + 10000}`;
      const answer = await post({ ...template(to), biz_opaque_callback_data: `bnd1:["run-1","${index}"]` });
      ids.push(answer.id!);
    }
    await sandbox.drainWebhooks();
    for (const body of bodies) expect(body.signature).toBe(signBody(APP_SECRET, body.raw));
    const statuses = bodies.flatMap((body) =>
      (
        JSON.parse(body.raw) as {
          entry: Array<{ changes: Array<{ value: { statuses?: Array<Record<string, unknown>> } }> }>;
        }
      ).entry.flatMap((entry) => entry.changes.flatMap((change) => change.value.statuses ?? [])),
    );
    expect(bodies.length).toBeGreaterThan(1);
    expect(new Set(statuses.map((status) => status.id))).toEqual(new Set(ids));
    const failed = statuses.filter((status) => status.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((status) => status.id === ids[0])).toBe(true);
    expect(failed[0]).toMatchObject({ errors: [{ code: 131026 }], biz_opaque_callback_data: 'bnd1:["run-1","0"]' });
    const keys = statuses.map((status) => `${String(status.id)}:${String(status.status)}`);
    expect(new Set(keys).size).toBeLessThan(keys.length);
    // Out of order: some message's sent status arrives after a later status of the same message.
    const rank = { sent: 0, delivered: 1, read: 2, failed: 1 } as Record<string, number>;
    const seen = new Map<string, number>();
    let inversions = 0;
    for (const status of statuses) {
      const id = String(status.id);
      const value = rank[String(status.status)]!;
      if ((seen.get(id) ?? -1) > value) inversions++;
      seen.set(id, Math.max(seen.get(id) ?? -1, value));
    }
    expect(inversions).toBeGreaterThan(0);
  });

  it('escapes non-ASCII and slashes like Meta in inbound webhooks, signed over those bytes', async () => {
    const { sandbox } = await start({ webhook: { url, appSecret: APP_SECRET } });
    bodies.length = 0;
    await sandbox.receiveInbound('393331000050', 'Perché? https://x.it/a');
    const raw = bodies[0]!.raw;
    expect(raw).toContain('Perch\\u00e9?');
    expect(raw).toContain('https:\\/\\/x.it\\/a');
    expect(bodies[0]!.signature).toBe(signBody(APP_SECRET, raw));
    expect(bodies[0]!.signature).not.toBe(signBody(APP_SECRET, JSON.stringify(JSON.parse(raw))));
  });
});
