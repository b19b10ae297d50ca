import { createManualClock, sampleAnnouncement } from '@banditore/core/testing';
import { MockAgent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWhatsAppSandbox, type WhatsAppSandbox } from './sandbox/index.js';
import { CHANNEL_TEMPLATES, SANDBOX_TEMPLATES, testSeed } from './test/rig.js';
import { createWhatsAppChannel, type WhatsAppChannel } from './whatsapp-channel.js';
import type { WhatsAppChannelOptions } from './options.js';

const clock = createManualClock(Date.UTC(2026, 11, 6, 8));
const signal = new AbortController().signal;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

let sandbox: WhatsAppSandbox;
const channels: WhatsAppChannel[] = [];

const channelWith = (options: Partial<WhatsAppChannelOptions> = {}): WhatsAppChannel => {
  const channel = createWhatsAppChannel({
    accessToken: sandbox.accessToken,
    phoneNumberId: sandbox.phoneNumberIds[0]!,
    baseUrl: sandbox.url,
    templates: CHANNEL_TEMPLATES,
    clock,
    ...options,
  });
  channels.push(channel);
  return channel;
};

beforeAll(async () => {
  sandbox = await createWhatsAppSandbox({
    templates: SANDBOX_TEMPLATES,
    seed: testSeed('sandbox channel'),
    now: () => clock.now(),
    pairRateMs: 0,
  });
});
afterEach(async () => {
  for (const channel of channels.splice(0)) await channel.close();
});
afterAll(async () => {
  await sandbox.close();
});

const lastBody = (): Record<string, unknown> => sandbox.messages.at(-1)!.body;

describe('WhatsApp channel against the sandbox', () => {
  it('sends a severe alert as the named-parameter template in the subscriber language', async () => {
    const channel = channelWith();
    const announcement = sampleAnnouncement({
      severity: 'severe',
      topics: ['meteo'],
      areaDescription: 'Frazioni di Jesi',
      content: {
        it: { headline: 'Allerta arancione', body: 'Vento forte', instruction: 'Evitate\n\nla  zona   del    fiume' },
        en: { headline: 'Orange alert', instruction: 'Stay away from the river' },
      },
    });
    const result = await channel.send('393331000001', channel.render(announcement, 'en'), { signal });
    expect(result.ok && result.providerMessageId?.startsWith('wamid.')).toBe(true);
    expect(lastBody()).toMatchObject({
      type: 'template',
      template: {
        name: 'allerta_protezione_civile',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', parameter_name: 'titolo', text: 'Orange alert' },
              { type: 'text', parameter_name: 'zona', text: 'Frazioni di Jesi' },
              { type: 'text', parameter_name: 'istruzioni', text: 'Stay away from the river' },
            ],
          },
        ],
      },
    });
    // Italian: the instruction's new lines and runs of spaces are flattened, as Meta requires.
    const italian = await channel.send('393331000002', channel.render(announcement, 'it'), { signal });
    expect(italian.ok).toBe(true);
  });

  it('routes a MARKETING template to /marketing_messages, and a re-categorised one by its latest category', async () => {
    const channel = channelWith();
    const events = await channel.send('393331000003', channel.render(sampleAnnouncement(), 'it'), { signal });
    expect(events.ok).toBe(true);
    expect(sandbox.messages.at(-1)).toMatchObject({ endpoint: 'marketing_messages', template: 'eventi_settimana' });

    const notice = sampleAnnouncement({ topics: ['lavori'] });
    await channel.send('393331000004', channel.render(notice, 'it'), { signal });
    expect(sandbox.messages.at(-1)).toMatchObject({ endpoint: 'messages', template: 'avviso_comune' });
    await sandbox.updateTemplate('avviso_comune', { category: 'MARKETING' });
    channel.updateTemplateCategory('avviso_comune', 'MARKETING');
    await channel.send('393331000005', channel.render(notice, 'it'), { signal });
    expect(sandbox.messages.at(-1)).toMatchObject({ endpoint: 'marketing_messages', template: 'avviso_comune' });
    await sandbox.updateTemplate('avviso_comune', { category: 'UTILITY' });
  });

  it('sends free-form inside the window, the template outside it, and resends a refused free-form as the template', async () => {
    const inbound = new Map<string, number>();
    const channel = channelWith({ conversationWindow: { lastInboundAt: (address) => inbound.get(address) } });
    const rendered = channel.render(sampleAnnouncement({ topics: ['lavori'] }), 'it');
    await sandbox.receiveInbound('393331000006', 'ISCRIVIMI', { at: clock.now() });
    inbound.set('393331000006', clock.now());
    await channel.send('393331000006', rendered, { signal });
    expect(sandbox.messages.at(-1)).toMatchObject({ type: 'text', category: 'service' });
    expect((lastBody().text as { body: string }).body).toContain('*Gli eventi della settimana*');

    await channel.send('393331000007', rendered, { signal });
    expect(sandbox.messages.at(-1)).toMatchObject({ type: 'template' });

    // The store believes the window is open, Meta does not: 131047, then the template at once.
    inbound.set('393331000008', clock.now());
    const before = sandbox.stats.errors[131047] ?? 0;
    const result = await channel.send('393331000008', rendered, { signal });
    expect(result.ok).toBe(true);
    expect(sandbox.stats.errors[131047]).toBe(before + 1);
    expect(sandbox.messages.at(-1)).toMatchObject({ to: '393331000008', type: 'template' });
  });

  it('uploads the image once per rendered message and reuses the media id', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('https://www.comune.jesi.an.it')
      .intercept({ path: '/allerta.png' })
      .reply(200, PNG, { headers: { 'content-type': 'image/png' } })
      .times(5);
    const templates = CHANNEL_TEMPLATES.map((template) =>
      template.name === 'avviso_comune' ? { ...template, header: 'image' as const } : template,
    );
    sandbox.setTemplate({ name: 'avviso_comune', language: 'it', category: 'UTILITY', body: 3, header: 'image' });
    const channel = channelWith({ templates, mediaDispatcher: agent });
    const announcement = sampleAnnouncement({
      topics: ['lavori'],
      image: { url: 'https://www.comune.jesi.an.it/allerta.png', alt: 'Mappa' },
    });
    const rendered = channel.render(announcement, 'it');
    const uploads = sandbox.stats.uploads;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        channel.send(`39333200${String(index).padStart(4, '0')}`, rendered, { signal }),
      ),
    );
    expect(results.every((result) => result.ok)).toBe(true);
    expect(sandbox.stats.uploads).toBe(uploads + 1);
    const header = (lastBody().template as { components: Array<{ type: string; parameters: unknown[] }> })
      .components[0]!;
    expect(header).toMatchObject({
      type: 'header',
      // The id the sandbox issued for this broadcast's one upload.
      parameters: [{ type: 'image', image: { id: String(4_000_000_000_000 + sandbox.stats.uploads) } }],
    });
    sandbox.setTemplate({ name: 'avviso_comune', language: 'it', category: 'UTILITY', body: 3 });
    await agent.close();
  });

  it.each([
    [
      'template with another parameter count',
      { name: 'avviso_comune', status: undefined, drop: true },
      132000,
      'MESSAGE_REJECTED',
    ],
    ['paused template', { name: 'avviso_comune', status: 'PAUSED' }, 132015, 'PROVIDER_UNAVAILABLE'],
    ['disabled template', { name: 'avviso_comune', status: 'DISABLED' }, 132016, 'MESSAGE_REJECTED'],
  ] as const)('classifies a %s by its code (%i → %s)', async (_name, change, code, expected) => {
    const channel = channelWith();
    if ('drop' in change) sandbox.setTemplate({ name: 'avviso_comune', language: 'it', category: 'UTILITY', body: 2 });
    else await sandbox.updateTemplate(change.name, { status: change.status });
    const result = await channel.send(
      '393331000009',
      channel.render(sampleAnnouncement({ topics: ['lavori'] }), 'it'),
      {
        signal,
      },
    );
    sandbox.setTemplate({ name: 'avviso_comune', language: 'it', category: 'UTILITY', body: 3 });
    await sandbox.updateTemplate('avviso_comune', { status: 'APPROVED' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('drop' in change ? 'MESSAGE_REJECTED' : expected);
    expect(result.error.providerCode).toBe(String('drop' in change ? 132000 : code));
  });

  it('classifies a template Meta does not know (132001) as a rejected message', async () => {
    const channel = channelWith({
      templates: [{ name: 'non_approvato', category: 'UTILITY', languages: ['it'], body: ['headline'] }],
    });
    const result = await channel.send('393331000014', channel.render(sampleAnnouncement(), 'it'), { signal });
    expect(result.ok ? undefined : [result.error.code, result.error.providerCode]).toEqual([
      'MESSAGE_REJECTED',
      '132001',
    ]);
  });

  it('keeps the subscriber who stopped marketing (131050) and still reaches them with utility', async () => {
    const channel = channelWith();
    await sandbox.stopMarketing('393331000010');
    const before = sandbox.stats.errors[131050] ?? 0;
    const marketing = await channel.send('393331000010', channel.render(sampleAnnouncement(), 'it'), { signal });
    expect(marketing.ok ? undefined : marketing.error.code).toBe('RECIPIENT_NOT_ELIGIBLE');
    expect(sandbox.stats.errors[131050]).toBe(before + 1);
    // The 131050 is remembered: the next marketing template to them is not even requested.
    const requests = sandbox.stats.requests;
    const again = await channel.send('393331000010', channel.render(sampleAnnouncement(), 'it'), { signal });
    expect(again.ok ? undefined : again.error).toMatchObject({
      code: 'RECIPIENT_NOT_ELIGIBLE',
      providerCode: '131050',
    });
    expect(sandbox.stats.requests).toBe(requests);
    const utility = await channel.send(
      '393331000010',
      channel.render(sampleAnnouncement({ topics: ['lavori'] }), 'it'),
      {
        signal,
      },
    );
    expect(utility.ok).toBe(true);
  });

  it('drops a 131026 number only after failures on separate days', async () => {
    const channel = channelWith({ dropUndeliverableAfterDays: 2 });
    sandbox.failRecipient('393331000011', 131026, 'sync');
    const rendered = channel.render(sampleAnnouncement({ topics: ['lavori'] }), 'it');
    const first = await channel.send('393331000011', rendered, { signal });
    const sameDay = await channel.send('393331000011', rendered, { signal });
    clock.advance(24 * 3_600_000);
    const nextDay = await channel.send('393331000011', rendered, { signal });
    expect([first, sameDay, nextDay].map((result) => (result.ok ? 'ok' : result.error.code))).toEqual([
      'RECIPIENT_NOT_ELIGIBLE',
      'RECIPIENT_NOT_ELIGIBLE',
      'RECIPIENT_GONE',
    ]);
  });

  it('stops on a bad token without the token in the error', async () => {
    const channel = channelWith({ accessToken: 'EAAWrongToken1234567890abcdef' });
    const result = await channel.send('393331000012', channel.render(sampleAnnouncement(), 'it'), { signal });
    expect(result.ok ? undefined : result.error.code).toBe('AUTH_FAILED');
    expect(JSON.stringify(result)).not.toContain('EAAWrongToken');
    expect(result.ok ? '' : result.error.message).not.toContain('EAAWrongToken');
  });

  it('fails a message when no template fits and the window is closed, without a request', async () => {
    const channel = channelWith({ templates: [] });
    const requests = sandbox.stats.requests;
    const result = await channel.send('393331000013', channel.render(sampleAnnouncement(), 'it'), { signal });
    expect(result.ok ? undefined : result.error.code).toBe('MESSAGE_REJECTED');
    expect(sandbox.stats.requests).toBe(requests);
  });
});
