import { describe, expect, it } from 'vitest';
import { isConfigError } from '../errors.js';
import { createMemoryStore } from '../store/memory-store.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { createSandboxChannel } from '../testing/sandbox-channel.js';
import { seedSubscribers } from '../test-support/seed.js';
import { createBroadcaster } from './create-broadcaster.js';

describe('publishing an id and revision again', () => {
  it('returns the same run for the same content, and refuses different content instead of ignoring it', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 10, { topics: ['eventi'] });
    const channel = createSandboxChannel();
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const first = await broadcaster.publish(sampleAnnouncement());
    await first.done;

    // Same content, keys in another order: the same announcement.
    const { content, ...rest } = sampleAnnouncement();
    const same = await broadcaster.publish({ content, ...rest });
    expect(same).toMatchObject({ id: first.id, created: false });

    const escalated = sampleAnnouncement({
      severity: 'extreme',
      content: { it: { headline: 'Evacuazione immediata', body: 'Lasciate la zona rossa.' } },
    });
    const refused = await broadcaster.publish(escalated).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isConfigError(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/different content.*new revision/);
    expect((refused as { fields: string[] }).fields).toEqual(['announcement', 'revision']);
    // No user text in the error.
    expect((refused as Error).message).not.toContain('Evacuazione');

    const revised = await broadcaster.publish({ ...escalated, revision: 2 });
    expect(revised.created).toBe(true);
    expect((await revised.done).channels[0]!.sent).toBe(10);
    expect(channel.deliveries).toHaveLength(20);
    await broadcaster.close();
  });
});
