import type { AnnouncementInput } from '@banditore/core';
import { generateVapidKeys } from '../vapid.js';

/** A VAPID key pair for the tests, made fresh per test file. */
export const TEST_VAPID = { ...generateVapidKeys(), subject: 'mailto:urp@comune.jesi.an.it' };

/** A minimal announcement input with overrides. */
export function announcementInput(overrides: Partial<AnnouncementInput> = {}): AnnouncementInput {
  return {
    id: 'allerta-2026-12-06',
    severity: 'severe',
    topics: ['meteo'],
    content: {
      it: {
        headline: 'Allerta arancione per temporali',
        body: 'Evitare i sottopassi.',
        instruction: 'Restare in casa.',
      },
      en: { headline: 'Orange alert for storms', body: 'Avoid underpasses.' },
    },
    links: [{ label: 'Dettagli', url: 'https://www.comune.jesi.an.it/avvisi/allerta-2026-12-06' }],
    ...overrides,
  };
}
