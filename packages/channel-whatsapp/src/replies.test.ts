import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGraphReplies } from './replies.js';

const BASE = 'https://graph.example.test';
const TOKEN = 'EAAG-test-token-0123456789abcdef';

describe('createGraphReplies (MockAgent)', () => {
  let agent: MockAgent;
  let bodies: unknown[];
  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    bodies = [];
  });
  afterEach(async () => {
    await agent.close();
  });

  const answer = (status: number, body: object) =>
    agent
      .get(BASE)
      .intercept({
        path: '/v23.0/106540352242922/messages',
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: (text: string) => {
          bodies.push(JSON.parse(text));
          return true;
        },
      })
      .reply(status, body);

  const replies = () =>
    createGraphReplies({ accessToken: TOKEN, phoneNumberId: '106540352242922', baseUrl: BASE, dispatcher: agent });

  it('sends a text reply as free-form, shortened to 4,096 characters', async () => {
    answer(200, { messaging_product: 'whatsapp', contacts: [], messages: [{ id: 'wamid.r1' }] });
    expect(await replies().text('393357152219', 'x'.repeat(5_000))).toEqual({ ok: true });
    const body = bodies[0] as { to: string; type: string; text: { body: string } };
    expect(body).toMatchObject({ messaging_product: 'whatsapp', to: '393357152219', type: 'text' });
    expect(body.text.body).toHaveLength(4_096);
  });

  it('sends a list within WhatsApp limits (button 20, row title 24, 10 rows)', async () => {
    answer(200, { messaging_product: 'whatsapp', contacts: [], messages: [{ id: 'wamid.r2' }] });
    const rows = Array.from({ length: 12 }, (_, i) => ({ id: `row-${i}`, title: `Argomento molto lungo numero ${i}` }));
    expect(await replies().list('393357152219', { body: 'Scegli', button: 'Scegli gli argomenti ora', rows })).toEqual({
      ok: true,
    });
    const body = bodies[0] as {
      interactive: { action: { button: string; sections: Array<{ rows: Array<{ title: string }> }> } };
    };
    expect(body.interactive.action.button.length).toBeLessThanOrEqual(20);
    const sent = body.interactive.action.sections[0]!.rows;
    expect(sent).toHaveLength(10);
    expect(sent.every((row) => row.title.length <= 24)).toBe(true);
  });

  it('resolves an error code, never throws, and keeps the token out of it', async () => {
    answer(400, {
      error: { message: `bad ${TOKEN}`, type: 'OAuthException', code: 131047, fbtrace_id: 'x' },
    });
    const result = await replies().text('393357152219', 'ciao');
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });
});
