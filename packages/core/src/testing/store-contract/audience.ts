import { describe, expect, it } from 'vitest';
import { matchesAudience, type AudienceQuery } from '../../domain/audience.js';
import type { Subscriber, SubscriberInput, SubscriberStatus } from '../../domain/subscriber.js';
import type { Store } from '../../store/run-store.js';
import { consent, drainAudience, input, seededRandom, subset, type StoreHarness } from './harness.js';

const CHANNELS = ['telegram', 'whatsapp', 'push'] as const;
const TOPICS = ['meteo', 'viabilita', 'eventi', 'lavori', 'protezione-civile', 'esercitazioni'] as const;
const AREAS = ['centro', 'smia', 'paradiso', 'san-giuseppe'] as const;
const PAGE_SIZES = [1, 7, 64, 1000] as const;

type Model = Pick<Subscriber, 'id' | 'channel' | 'status' | 'topics' | 'areas'>;

/**
 * Builds a random population through the public API: half imported, half subscribed one by one,
 * then a share made unsubscribed or unreachable. Returns what the store should now hold.
 */
async function seedPopulation(store: Store, random: () => number, size: number): Promise<Model[]> {
  const inputs: SubscriberInput[] = Array.from({ length: size }, (_, i) =>
    input(`pop-${i}-${Math.floor(random() * 1e9)}`, {
      channel: CHANNELS[Math.floor(random() * CHANNELS.length)]!,
      topics: subset(random, TOPICS),
      areas: subset(random, AREAS, 0.3),
    }),
  );
  const half = Math.floor(size / 2);
  await store.importSubscribers(inputs.slice(0, half), consent('2026-03-01T10:00:00.000Z', 'import'));
  for (const item of inputs.slice(half)) await store.subscribe(item, consent());
  const models: Model[] = [];
  for (const item of inputs) {
    const found = await store.findSubscriber(item.channel, item.address);
    if (!found) throw new Error('a subscriber written moments ago was not found');
    const roll = random();
    const status: SubscriberStatus = roll < 0.15 ? 'unsubscribed' : roll < 0.3 ? 'unreachable' : 'active';
    if (status !== 'active') await store.updateSubscriber(found.id, { status });
    models.push({ id: found.id, channel: item.channel, status, topics: item.topics, areas: item.areas });
  }
  return models;
}

function randomQuery(random: () => number): AudienceQuery {
  const channelRoll = Math.floor(random() * (CHANNELS.length + 1));
  return {
    // One query in four names a channel nobody subscribed to.
    channel: CHANNELS[channelRoll] ?? 'sms',
    topics: subset(random, TOPICS, 0.3),
    areas: random() < 0.4 ? [] : subset(random, AREAS, 0.4),
    allTopics: random() < 0.2,
    // One query in four is an exercise's: only holders of a topic (whatever else matches).
    ...(random() < 0.25 ? { requiredTopic: TOPICS[Math.floor(random() * TOPICS.length)]! } : {}),
  };
}

/** Streaming audiences: agreement with `matchesAudience`, counts, and pages without gaps or repeats. */
export function describeAudienceContract(harness: StoreHarness): void {
  describe('audience', () => {
    it('audiencePage and countAudience agree with matchesAudience on a random population', async () => {
      const { store } = harness;
      const random = seededRandom(20260301);
      const population = await seedPopulation(store, random, 360);
      // The population must exercise the interesting cases, or the comparison proves little.
      expect(population.some((s) => s.topics.length === 0 && s.status === 'active')).toBe(true);
      expect(population.some((s) => s.areas.length === 0 && s.status === 'active')).toBe(true);
      expect(population.some((s) => s.status !== 'active')).toBe(true);

      const queries = Array.from({ length: 40 }, () => randomQuery(random));
      queries.push({ channel: 'telegram', topics: [], areas: [], allTopics: true });
      queries.push({ channel: 'telegram', topics: [], areas: [], allTopics: false });
      queries.push({ channel: 'whatsapp', topics: ['meteo'], areas: ['centro'], allTopics: false });
      let nonEmpty = 0;
      for (const [index, query] of queries.entries()) {
        const expected = population.filter((s) => matchesAudience(s, query)).map((s) => s.id);
        if (expected.length > 0) nonEmpty++;
        const pageSize = PAGE_SIZES[index % PAGE_SIZES.length]!;
        const { ids, oversized } = await drainAudience(store, query, pageSize);
        const context = `query ${JSON.stringify(query)}, page size ${pageSize}`;
        expect(oversized, `pages larger than the limit for ${context}`).toBe(0);
        expect(new Set(ids).size, `duplicates for ${context}`).toBe(ids.length);
        expect([...ids].sort(), `members for ${context}`).toEqual([...expected].sort());
        expect(await store.countAudience(query), `count for ${context}`).toBe(expected.length);
      }
      expect(nonEmpty).toBeGreaterThan(20);
    });

    it('streams the same audience in the same order every time', async () => {
      const { store } = harness;
      await seedPopulation(store, seededRandom(7), 80);
      const query: AudienceQuery = { channel: 'telegram', topics: [], areas: [], allTopics: true };
      const first = await drainAudience(store, query, 5);
      const second = await drainAudience(store, query, 5);
      expect(first.ids.length).toBeGreaterThan(5);
      expect(second.ids).toEqual(first.ids);
    });

    it('a cursor stays valid while subscribers are added: no repeats, nobody earlier is lost', async () => {
      const { store } = harness;
      const population = await seedPopulation(store, seededRandom(99), 120);
      const query: AudienceQuery = { channel: 'whatsapp', topics: [], areas: [], allTopics: true };
      const expected = population.filter((s) => matchesAudience(s, query)).map((s) => s.id);
      expect(expected.length).toBeGreaterThan(8);
      const firstPage = await store.audiencePage(query, undefined, 4);
      expect(firstPage.next).toBeDefined();
      for (let i = 0; i < 10; i++) await store.subscribe(input(`late-${i}`, { channel: 'whatsapp' }), consent());
      const seen = firstPage.members.map((m) => m.subscriberId);
      let cursor = firstPage.next;
      while (cursor !== undefined) {
        const page = await store.audiencePage(query, cursor, 4);
        seen.push(...page.members.map((m) => m.subscriberId));
        cursor = page.next;
        if (seen.length > 10_000) throw new Error('runaway cursor');
      }
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of expected) expect(seen).toContain(id);
    });

    it('an audience of nobody has one empty page and a count of zero', async () => {
      const { store } = harness;
      await store.subscribe(input('someone', { channel: 'telegram' }), consent());
      const query: AudienceQuery = { channel: 'sms', topics: ['meteo'], areas: [], allTopics: false };
      const page = await store.audiencePage(query, undefined, 10);
      expect(page.members).toEqual([]);
      expect(page.next).toBeUndefined();
      expect(await store.countAudience(query)).toBe(0);
    });
  });
}
