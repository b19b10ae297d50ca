import { describe, expect, it } from 'vitest';
import { consent, input, type StoreHarness } from './harness.js';

/** Subscribe, re-subscribe, import, update and the consent events each one appends. */
export function describeSubscriberContract(harness: StoreHarness): void {
  describe('subscribers and consent', () => {
    it('subscribe creates an active subscriber with a subscribed consent event', async () => {
      const { store } = harness;
      const created = await store.subscribe(
        input('chat-1', { topics: ['meteo'], areas: ['centro'], language: 'en' }),
        consent('2026-03-01T10:00:00.000Z', 'command'),
      );
      expect(typeof created.id).toBe('string');
      expect(created.id.length).toBeGreaterThan(0);
      expect(created).toMatchObject({
        channel: 'telegram',
        address: 'chat-1',
        topics: ['meteo'],
        areas: ['centro'],
        language: 'en',
        status: 'active',
      });
      expect(Number.isNaN(Date.parse(created.createdAt))).toBe(false);
      expect(Number.isNaN(Date.parse(created.updatedAt))).toBe(false);
      expect(await store.getSubscriber(created.id)).toEqual(created);
      expect(await store.findSubscriber('telegram', 'chat-1')).toEqual(created);
      const events = await store.listConsent(created.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        subscriberId: created.id,
        kind: 'subscribed',
        channel: 'telegram',
        method: 'command',
        noticeVersion: '2026-03',
        topics: ['meteo'],
      });
      expect(Date.parse(events[0]!.at)).toBe(Date.parse('2026-03-01T10:00:00.000Z'));
    });

    it('stores a language tag in its canonical case, so it matches the content keys', async () => {
      const { store } = harness;
      const upper = await store.subscribe(input('chat-it', { language: 'IT' }), consent());
      const region = await store.subscribe(input('chat-gb', { language: 'en-gb' }), consent());
      expect(upper.language).toBe('it');
      expect(region.language).toBe('en-GB');
      expect((await store.getSubscriber(region.id))?.language).toBe('en-GB');
    });

    it('keeps the same address on different channels apart', async () => {
      const { store } = harness;
      const a = await store.subscribe(input('same', { channel: 'telegram' }), consent());
      const b = await store.subscribe(input('same', { channel: 'whatsapp' }), consent());
      expect(a.id).not.toBe(b.id);
      expect((await store.findSubscriber('whatsapp', 'same'))?.id).toBe(b.id);
      expect(await store.findSubscriber('push', 'same')).toBeUndefined();
    });

    it('re-subscribing the same channel and address re-activates and updates, one consent event each', async () => {
      const { store } = harness;
      const first = await store.subscribe(input('chat-2', { topics: ['meteo'] }), consent('2026-03-01T10:00:00.000Z'));
      await store.updateSubscriber(first.id, { status: 'unsubscribed' }, consent('2026-03-02T10:00:00.000Z'));
      const again = await store.subscribe(
        input('chat-2', { topics: ['eventi', 'lavori'], areas: ['smia'], language: 'de' }),
        consent('2026-03-03T10:00:00.000Z', 'keyword'),
      );
      expect(again.id).toBe(first.id);
      expect(again).toMatchObject({ status: 'active', topics: ['eventi', 'lavori'], areas: ['smia'], language: 'de' });
      expect(await store.getSubscriber(first.id)).toMatchObject({ status: 'active', language: 'de' });
      const kinds = (await store.listConsent(first.id)).map((event) => event.kind);
      expect(kinds).toEqual(['subscribed', 'unsubscribed', 'subscribed']);
      const last = (await store.listConsent(first.id))[2]!;
      expect(last).toMatchObject({ method: 'keyword', topics: ['eventi', 'lavori'] });
    });

    it('importSubscribers writes new subscribers and updates existing pairs without duplicates', async () => {
      const { store } = harness;
      const inputs = Array.from({ length: 25 }, (_, i) =>
        input(`import-${i}`, { channel: i % 2 ? 'whatsapp' : 'telegram', topics: ['meteo'] }),
      );
      expect(await store.importSubscribers(inputs, consent('2026-03-01T10:00:00.000Z', 'import'))).toBe(25);
      const before = await store.findSubscriber('telegram', 'import-0');
      expect(before).toMatchObject({ status: 'active', topics: ['meteo'] });
      const events = await store.listConsent(before!.id);
      expect(events.map((event) => event.kind)).toEqual(['subscribed']);
      expect(events[0]).toMatchObject({ method: 'import', channel: 'telegram' });

      const changed = inputs.slice(0, 10).map((item) => ({ ...item, topics: ['lavori'] }));
      expect(await store.importSubscribers(changed, consent('2026-03-02T10:00:00.000Z', 'import'))).toBe(10);
      const after = await store.findSubscriber('telegram', 'import-0');
      expect(after?.id).toBe(before!.id);
      expect(after?.topics).toEqual(['lavori']);
      const audience = { topics: ['lavori'], areas: [], allTopics: false };
      const telegram = await store.countAudience({ channel: 'telegram', ...audience });
      const whatsapp = await store.countAudience({ channel: 'whatsapp', ...audience });
      expect(telegram + whatsapp).toBe(10);
      expect(await store.countAudience({ channel: 'telegram', topics: [], areas: [], allTopics: true })).toBe(13);
    });

    it('importSubscribers never re-activates a citizen who unsubscribed or was found unreachable', async () => {
      const { store } = harness;
      const left = await store.subscribe(input('left-1', { topics: ['meteo'] }), consent('2026-03-01T10:00:00.000Z'));
      await store.updateSubscriber(left.id, { status: 'unsubscribed' }, consent('2026-03-02T10:00:00.000Z', 'keyword'));
      const gone = await store.subscribe(input('gone-1'), consent('2026-03-01T10:00:00.000Z'));
      await store.updateSubscriber(gone.id, { status: 'unreachable' });
      const eventsBefore = await store.listConsent(left.id);

      const written = await store.importSubscribers(
        [input('left-1', { topics: ['eventi'] }), input('gone-1'), input('new-1')],
        consent('2026-03-03T10:00:00.000Z', 'import'),
      );
      expect(written).toBe(2);
      // Only the citizen can undo their own withdrawal: the import leaves them as they were.
      expect(await store.getSubscriber(left.id)).toMatchObject({ status: 'unsubscribed', topics: ['meteo'] });
      expect(await store.listConsent(left.id)).toEqual(eventsBefore);
      expect(await store.getSubscriber(gone.id)).toMatchObject({ status: 'unreachable' });
      expect(await store.findSubscriber('telegram', 'new-1')).toMatchObject({ status: 'active' });
    });

    it('importSubscribers of an empty list writes nothing', async () => {
      expect(await harness.store.importSubscribers([], consent())).toBe(0);
    });

    it('updateSubscriber changes fields and appends topics-changed and unsubscribed with consent', async () => {
      const { store } = harness;
      const created = await store.subscribe(
        input('chat-3', { topics: ['meteo'] }),
        consent('2026-03-01T10:00:00.000Z'),
      );
      const updated = await store.updateSubscriber(
        created.id,
        { topics: ['eventi'], areas: ['paradiso'] },
        consent('2026-03-02T10:00:00.000Z', 'command'),
      );
      expect(updated).toMatchObject({ id: created.id, topics: ['eventi'], areas: ['paradiso'], status: 'active' });
      const left = await store.updateSubscriber(
        created.id,
        { status: 'unsubscribed' },
        consent('2026-03-03T10:00:00.000Z', 'keyword'),
      );
      expect(left?.status).toBe('unsubscribed');
      const events = await store.listConsent(created.id);
      expect(events.map((event) => event.kind)).toEqual(['subscribed', 'topics-changed', 'unsubscribed']);
      expect(events[1]).toMatchObject({ method: 'command', topics: ['eventi'], channel: 'telegram' });
      expect(events[2]).toMatchObject({ method: 'keyword' });
      expect(Date.parse(events[2]!.at)).toBe(Date.parse('2026-03-03T10:00:00.000Z'));
    });

    it('updateSubscriber without consent appends no consent event', async () => {
      const { store } = harness;
      const created = await store.subscribe(input('chat-4'), consent());
      await store.updateSubscriber(created.id, { status: 'unreachable' });
      await store.updateSubscriber(created.id, { language: 'fr' });
      expect(await store.getSubscriber(created.id)).toMatchObject({ status: 'unreachable', language: 'fr' });
      expect((await store.listConsent(created.id)).map((event) => event.kind)).toEqual(['subscribed']);
    });

    it('updateSubscriber can move a subscriber to a new address', async () => {
      const { store } = harness;
      const created = await store.subscribe(input('old-chat'), consent());
      await store.updateSubscriber(created.id, { address: 'new-chat' });
      expect(await store.findSubscriber('telegram', 'old-chat')).toBeUndefined();
      expect((await store.findSubscriber('telegram', 'new-chat'))?.id).toBe(created.id);
    });

    it('returns undefined for unknown subscribers', async () => {
      const { store } = harness;
      const known = await store.subscribe(input('chat-5'), consent());
      const unknown = `${known.id}-missing`;
      expect(await store.getSubscriber(unknown)).toBeUndefined();
      expect(await store.updateSubscriber(unknown, { topics: ['meteo'] }, consent())).toBeUndefined();
      expect(await store.findSubscriber('telegram', 'nobody')).toBeUndefined();
      expect(await store.listConsent(unknown)).toEqual([]);
    });
  });
}
