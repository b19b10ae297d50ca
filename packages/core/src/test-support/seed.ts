import type { SubscriberInput } from '../domain/subscriber.js';
import type { Store } from '../store/run-store.js';

/** Consent used by test seeding. */
export const IMPORT_CONSENT = { method: 'import', noticeVersion: 'test-1' } as const;

/**
 * Adds `count` subscribers on `channel` with addresses `${prefix}${i}`.
 *
 * @returns Their ids in order.
 */
export async function seedSubscribers(
  store: Store,
  count: number,
  options: Partial<SubscriberInput> & { channel?: string; prefix?: string } = {},
): Promise<string[]> {
  const { prefix = 'addr-', channel = 'sandbox', ...rest } = options;
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const subscriber = await store.subscribe(
      { channel, address: `${prefix}${index}`, topics: [], areas: [], language: 'it', ...rest },
      IMPORT_CONSENT,
    );
    ids.push(subscriber.id);
  }
  return ids;
}
