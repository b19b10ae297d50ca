import { announcementSchema, type Announcement, type SubscriberInput } from '@banditore/core';

/** The announcement every worker test broadcasts. */
export const workerAnnouncement: Announcement = announcementSchema.parse({
  id: 'allerta-meteo-workers',
  severity: 'moderate',
  colorCode: 'gialla',
  topics: ['meteo'],
  content: { it: { headline: 'Allerta gialla per temporali', body: 'Evitate i sottopassi.' } },
});

/** The idempotency key of that broadcast: every worker that publishes it joins the same run. */
export const WORKER_RUN_KEY = 'workers-test#1';

/**
 * `size` subscribers of the `http` channel who all want the announcement.
 *
 * @param size - How many.
 */
export function workerPopulation(size: number): SubscriberInput[] {
  return Array.from({ length: size }, (_, i) => ({
    channel: 'http',
    address: `citizen-${String(i).padStart(7, '0')}`,
    topics: i % 3 === 0 ? [] : ['meteo'],
    areas: [],
    language: 'it',
  }));
}
