import { announcementSchema, type Announcement, type SubscriberInput } from '@banditore/core';

/** The announcement every crash trial broadcasts. */
export const crashAnnouncement: Announcement = announcementSchema.parse({
  id: 'allerta-meteo-crash',
  severity: 'moderate',
  colorCode: 'gialla',
  topics: ['meteo'],
  content: { it: { headline: 'Allerta gialla per temporali', body: 'Evitate i sottopassi.' } },
});

/**
 * The population of a crash trial: mostly audience members, plus people the announcement must
 * not reach (unsubscribed, or only interested in other topics).
 *
 * @param size - How many subscribers.
 * @returns Inputs and which ones will be made unsubscribed.
 */
export function crashPopulation(size: number): { inputs: SubscriberInput[]; unsubscribe: Set<string> } {
  const inputs: SubscriberInput[] = [];
  const unsubscribe = new Set<string>();
  for (let i = 0; i < size; i++) {
    const address = `citizen-${String(i).padStart(6, '0')}`;
    const topics = i % 40 === 7 ? ['eventi'] : i % 3 === 0 ? [] : ['meteo', 'viabilita'];
    inputs.push({ channel: 'http', address, topics, areas: [], language: 'it' });
    if (i % 50 === 11) unsubscribe.add(address);
  }
  return { inputs, unsubscribe };
}
