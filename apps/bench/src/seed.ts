import type { Store, SubscriberInput } from '@banditore/core';

/** Imports `count` subscribers on `channel` in batches of 10,000. */
export async function seed(store: Store, count: number, channel: string, topics: string[] = []): Promise<void> {
  const consent = { method: 'import', noticeVersion: 'bench' } as const;
  for (let start = 0; start < count; start += 10_000) {
    const batch: SubscriberInput[] = [];
    for (let index = start; index < Math.min(count, start + 10_000); index++) {
      batch.push({ channel, address: `39333${String(index).padStart(7, '0')}`, topics, areas: [], language: 'it' });
    }
    await store.importSubscribers(batch, consent);
  }
}

/** A routine announcement with a fresh id. */
export function routine(id: string, topics: string[] = ['eventi']) {
  return {
    id,
    severity: 'minor' as const,
    topics,
    content: { it: { headline: 'Gli eventi della settimana', body: 'Sabato mercato in piazza.' } },
  };
}
