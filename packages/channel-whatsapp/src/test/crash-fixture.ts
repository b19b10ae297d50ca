import { announcementSchema, type Announcement, type SubscriberInput } from '@banditore/core';

/** The announcement every crash trial broadcasts: a moderate notice, the `avviso_comune` template. */
export const crashAnnouncement: Announcement = announcementSchema.parse({
  id: 'chiusura-strade-crash',
  severity: 'moderate',
  topics: ['viabilita'],
  content: {
    it: { headline: 'Chiusura di via Roma', body: 'Lavori alla rete idrica fino a venerdì.' },
    en: { headline: 'Via Roma closed', body: 'Water works until Friday.' },
  },
  links: [{ label: 'Dettagli', url: 'https://www.comune.jesi.an.it/viabilita' }],
});

/** The run's idempotency key: the resumed process finds the same run. */
export const CRASH_RUN_KEY = 'whatsapp-crash#1';

/**
 * The population of a crash trial: mostly audience members, plus citizens the notice must not
 * reach (unsubscribed, or following other topics only). Numbers are Italian mobiles in digits.
 *
 * @param size - How many subscribers.
 * @returns Inputs, and the numbers that will be unsubscribed before the broadcast.
 */
export function crashPopulation(size: number): { inputs: SubscriberInput[]; unsubscribe: Set<string> } {
  const inputs: SubscriberInput[] = [];
  const unsubscribe = new Set<string>();
  for (let i = 0; i < size; i++) {
    const address = `39333${String(1_000_000 + i)}`;
    const topics = i % 40 === 7 ? ['eventi'] : i % 3 === 0 ? [] : ['viabilita', 'meteo'];
    inputs.push({ channel: 'whatsapp', address, topics, areas: [], language: i % 9 === 4 ? 'en' : 'it' });
    if (i % 50 === 11) unsubscribe.add(address);
  }
  return { inputs, unsubscribe };
}
