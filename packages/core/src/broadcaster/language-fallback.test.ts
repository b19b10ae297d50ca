import { describe, expect, it } from 'vitest';
import { contentFor } from '../domain/announcement.js';
import { createMemoryStore } from '../store/memory-store.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { createSandboxChannel } from '../testing/sandbox-channel.js';
import { IMPORT_CONSENT } from '../test-support/seed.js';
import { createBroadcaster } from './create-broadcaster.js';

describe('a subscriber whose language has a region', () => {
  it('reads the language without the region before the default one', () => {
    expect(contentFor(sampleAnnouncement(), 'en-GB').language).toBe('en');
    expect(contentFor(sampleAnnouncement(), 'de-CH').language).toBe('it');
  });

  it('gets the English text when subscribed as "en-gb"', async () => {
    const store = createMemoryStore();
    await store.subscribe(
      { channel: 'sandbox', address: 'chat-uk', topics: [], areas: [], language: 'en-gb' },
      IMPORT_CONSENT,
    );
    await store.subscribe(
      { channel: 'sandbox', address: 'chat-ch', topics: [], areas: [], language: 'de-CH' },
      IMPORT_CONSENT,
    );
    const channel = createSandboxChannel();
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    await (
      await broadcaster.publish(sampleAnnouncement())
    ).done;

    const languageOf = (address: string) =>
      channel.deliveries.find((delivery) => delivery.address === address)?.language;
    expect(languageOf('chat-uk')).toBe('en');
    expect(languageOf('chat-ch')).toBe('it');
    await broadcaster.close();
  });
});
