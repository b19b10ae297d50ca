import { MockAgent } from 'undici';
import { createManualClock } from '@banditore/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWhatsAppChannel } from './whatsapp-channel.js';

const BASE = 'https://graph.example.test';
const TOKEN = 'EAAG-test-token-0123456789abcdef';

describe("the channel's replies (MockAgent)", () => {
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
    createWhatsAppChannel({ accessToken: TOKEN, phoneNumberId: '106540352242922', baseUrl: BASE, dispatcher: agent })
      .replies;

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

describe("the channel's replies share the number's throughput gate", () => {
  it('waits out a 130429 the broadcast lane reported, then answers once the pause is over', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const clock = createManualClock(Date.UTC(2026, 11, 6, 9));
    const paths: string[] = [];
    agent
      .get(BASE)
      .intercept({ path: '/v23.0/106540352242922/messages', method: 'POST' })
      .reply(200, () => {
        paths.push('messages');
        return { messaging_product: 'whatsapp', contacts: [], messages: [{ id: 'wamid.r3' }] };
      })
      .persist();
    const channel = createWhatsAppChannel({
      accessToken: TOKEN,
      phoneNumberId: '106540352242922',
      baseUrl: BASE,
      dispatcher: agent,
      clock,
    });
    // What the broadcaster does with the budget: make its gate, and pause it on a 130429.
    const budget = channel.limits.shared?.find((shared) => shared.key === 'whatsapp-number:106540352242922');
    expect(budget?.sharePause).toBe(true);
    const laneGate = budget!.createGate!(clock);
    laneGate.pauseUntil(clock.now() + 1_000);
    let answered = false;
    const reply = channel.replies.text('393357152219', 'Aiuto').then((result) => {
      answered = true;
      return result;
    });
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    expect(paths).toHaveLength(0);
    clock.advance(1_000);
    expect(await reply).toEqual({ ok: true });
    expect(paths).toHaveLength(1);
    await channel.close();
    await agent.close();
  });

  it('counts replies in the same sliding second as the broadcast: after 80 replies at 80/s, the lane waits', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get(BASE)
      .intercept({ path: '/v23.0/106540352242922/messages', method: 'POST' })
      .reply(200, { messaging_product: 'whatsapp', contacts: [], messages: [{ id: 'wamid.r4' }] })
      .persist();
    const clock = createManualClock(Date.UTC(2026, 11, 6, 9));
    const channel = createWhatsAppChannel({
      accessToken: TOKEN,
      phoneNumberId: '106540352242922',
      baseUrl: BASE,
      dispatcher: agent,
      clock,
    });
    const laneGate = channel.limits.shared!.find((shared) => shared.key.startsWith('whatsapp-number:'))!.createGate!(
      clock,
    );
    const answers = await Promise.all(
      Array.from({ length: 80 }, (_, index) =>
        channel.replies.text(`3933571522${String(index).padStart(2, '0')}`, 'Ok'),
      ),
    );
    expect(answers.every((answer) => answer.ok)).toBe(true);
    const granted = laneGate.acquire();
    expect(typeof granted, 'the 81st request of the second must wait').not.toBe('number');
    clock.advance(1_010);
    expect(await granted).toBeTypeOf('number');
    await channel.close();
    await agent.close();
  });
});
