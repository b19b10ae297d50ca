import type { WhatsAppTemplate } from '../options.js';
import type { SandboxTemplate } from '../sandbox/index.js';

/** The comune's templates as configured in the channel, in tests. */
export const CHANNEL_TEMPLATES: WhatsAppTemplate[] = [
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
export const SANDBOX_TEMPLATES: SandboxTemplate[] = [
  { name: 'allerta_protezione_civile', language: 'it', category: 'UTILITY', body: ['titolo', 'zona', 'istruzioni'] },
  { name: 'allerta_protezione_civile', language: 'en_US', category: 'UTILITY', body: ['titolo', 'zona', 'istruzioni'] },
  { name: 'eventi_settimana', language: 'it', category: 'MARKETING', body: 2 },
  { name: 'avviso_comune', language: 'it', category: 'UTILITY', body: 3 },
  { name: 'avviso_comune', language: 'en_US', category: 'UTILITY', body: 3 },
];

/** A seed from the environment or a fresh one; printed so a failure can be replayed. */
export function testSeed(label: string): number {
  const seed = Number(process.env.SANDBOX_SEED ?? Math.floor(Math.random() * 2 ** 31));
  process.stdout.write(`${label}: sandbox seed ${seed} (replay with SANDBOX_SEED=${seed})\n`);
  return seed;
}
