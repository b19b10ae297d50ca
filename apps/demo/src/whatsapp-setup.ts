import type { FetchHandler, Store } from '@banditore/core';
import {
  createWhatsAppChannel,
  createWhatsAppInbox,
  createWhatsAppWebhookHandler,
  importWhatsAppContacts,
  type ImportWhatsAppContactsReport,
  type WhatsAppChannel,
  type WhatsAppInbox,
  type WhatsAppTemplate,
} from '@banditore/channel-whatsapp';
import { createWhatsAppSandbox, type SandboxTemplate, type WhatsAppSandbox } from '@banditore/channel-whatsapp/sandbox';
import { NOTICE_VERSION, TOPICS } from './jesi.js';

/** Jesi's WhatsApp list: about 11,000 citizens who wrote to the comune's number over the years. */
export const WHATSAPP_POPULATION = { contacts: 11_000, duplicates: 80, invalid: 35 };

/** The comune's approved templates, as the channel maps announcements to them. */
const TEMPLATES: WhatsAppTemplate[] = [
  {
    name: 'allerta_protezione_civile',
    category: 'UTILITY',
    languages: ['it', 'en_US'],
    severities: ['extreme', 'severe'],
    body: { titolo: 'headline', zona: 'area', istruzioni: 'instruction' },
  },
  {
    name: 'eventi_settimana',
    category: 'MARKETING',
    languages: ['it'],
    topics: ['eventi'],
    body: ['headline', 'link'],
  },
  { name: 'avviso_comune', category: 'UTILITY', languages: ['it', 'en_US'], body: ['headline', 'body', 'link'] },
];
/** The same templates as approved in the sandbox's WhatsApp Manager. */
const SANDBOX_TEMPLATES: SandboxTemplate[] = [
  { name: 'allerta_protezione_civile', language: 'it', category: 'UTILITY', body: ['titolo', 'zona', 'istruzioni'] },
  { name: 'allerta_protezione_civile', language: 'en_US', category: 'UTILITY', body: ['titolo', 'zona', 'istruzioni'] },
  { name: 'eventi_settimana', language: 'it', category: 'MARKETING', body: 2 },
  { name: 'avviso_comune', language: 'it', category: 'UTILITY', body: 3 },
  { name: 'avviso_comune', language: 'en_US', category: 'UTILITY', body: 3 },
];
/** The sandbox signs its webhooks with this app secret, as Meta does with the real one. */
const APP_SECRET = 'banditore-demo-app-secret-0001';

/**
 * The comune's phone-book export, as staff would save it from the old broadcast lists: numbers
 * written every which way, a few duplicates and a few rows without a usable number.
 */
export function jesiContactsCsv(): string {
  const prefixes = ['333', '347', '338', '349', '328', '320', '339', '340', '329', '366'];
  const rows = ['Nome;Cellulare;Lingua'];
  const numberOf = (index: number): string => {
    const prefix = prefixes[index % prefixes.length]!;
    const rest = String(1_000_000 + ((index * 7_919) % 8_999_999)).padStart(7, '0');
    switch (index % 4) {
      case 0:
        return `${prefix} ${rest}`;
      case 1:
        return `+39 ${prefix} ${rest.slice(0, 3)} ${rest.slice(3)}`;
      case 2:
        return `${prefix}${rest}`;
      default:
        return `0039${prefix}${rest}`;
    }
  };
  for (let index = 0; index < WHATSAPP_POPULATION.contacts; index++) {
    rows.push(`Cittadino ${index + 1};${numberOf(index)};${index % 12 === 11 ? 'en' : 'it'}`);
  }
  for (let index = 0; index < WHATSAPP_POPULATION.duplicates; index++) rows.push(`Doppio;${numberOf(index * 97)};it`);
  for (let index = 0; index < WHATSAPP_POPULATION.invalid; index++)
    rows.push(`Da verificare;${index % 2 ? 'n/d' : '335 12'};`);
  return rows.join('\r\n');
}

/** The WhatsApp side of the demo: the Cloud API sandbox at the 1,000/s tier, the channel and the inbox. */
export interface WhatsAppSetup {
  channel: WhatsAppChannel;
  inbox: WhatsAppInbox;
  /** Mount at `/whatsapp`: Meta's (here the sandbox's) webhook. */
  webhook: FetchHandler;
  sandbox: WhatsAppSandbox;
  imported: ImportWhatsAppContactsReport;
  describe: string;
  close(): Promise<void>;
}

/**
 * Starts the sandbox (1,000 messages/s, messaging limit 100,000), imports Jesi's list from a CSV
 * export, and wires the inbox: the sandbox posts signed status and message webhooks to
 * `webhookUrl()`, which the demo's server routes to {@link WhatsAppSetup.webhook}.
 *
 * @param store - The demo's store.
 * @param webhookUrl - The public URL of the webhook, known once the server listens.
 */
export async function setUpWhatsApp(store: Store, webhookUrl: () => string): Promise<WhatsAppSetup> {
  const sandbox = await createWhatsAppSandbox({
    phoneNumbers: [{ id: '106540352242922', throughput: 1000 }],
    messagingLimit: 100_000,
    templates: SANDBOX_TEMPLATES,
    latencyMs: [5, 40],
    seed: 2026,
    webhook: {
      get url() {
        return webhookUrl();
      },
      appSecret: APP_SECRET,
      intervalMs: 50,
      batchSize: 100,
      readRate: 0.6,
    },
  });
  const phoneNumberId = sandbox.phoneNumberIds[0]!;
  const channel = createWhatsAppChannel({
    accessToken: sandbox.accessToken,
    phoneNumberId,
    baseUrl: sandbox.url,
    throughput: 1000,
    templates: TEMPLATES,
    conversationWindow: store,
  });
  // The inbox answers through the channel (paced with its broadcasts) and shares its ledgers.
  const inbox = createWhatsAppInbox({
    store,
    channel,
    comuneName: 'Comune di Jesi',
    privacyUrl: 'https://www.comune.jesi.an.it/privacy',
    noticeVersion: NOTICE_VERSION,
    topics: TOPICS,
  });
  const webhook = createWhatsAppWebhookHandler(inbox, { appSecret: APP_SECRET, verifyToken: 'banditore-demo-verify' });
  const imported = await importWhatsAppContacts(jesiContactsCsv(), {
    store,
    consentGivenAt: '2023-03-01',
    noticeVersion: '2023-01',
  });
  // Some numbers are no longer on WhatsApp: Meta reports them in a failed status later.
  for (let index = 0; index < 40; index++) {
    const subscriberPrefix = ['333', '347', '338', '349', '328', '320', '339', '340', '329', '366'][
      (index * 271) % 10
    ]!;
    const rest = String(1_000_000 + ((index * 271 * 7_919) % 8_999_999)).padStart(7, '0');
    sandbox.failRecipient(`39${subscriberPrefix}${rest}`, 131026, 'async');
  }
  return {
    channel,
    inbox,
    webhook,
    sandbox,
    imported,
    describe:
      `WhatsApp Cloud API sandbox at ${sandbox.url} (1,000 messages/s, messaging limit 100,000): ` +
      `${imported.imported} citizens imported from the comune's CSV export ` +
      `(${imported.duplicates} duplicates merged, ${imported.rejected.length} rows without a valid number)`,
    async close() {
      await channel.close?.();
      await sandbox.close();
    },
  };
}
