import { createBroadcaster, type Channel, type FollowUp } from '@banditore/core';
import { createSandboxChannel, sampleAnnouncement, type SandboxChannelMessage } from '@banditore/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';
import { makeTempDir, type TempDir } from './test/temp-dir.js';

const consent = { method: 'import', noticeVersion: '2026-03' } as const;

/** A sandbox channel that keeps what each send was told about the recipient's earlier message. */
function recording(): {
  channel: Channel<SandboxChannelMessage>;
  sent: Array<{ address: string; followUp?: FollowUp; id: string }>;
} {
  const sandbox = createSandboxChannel({ name: 'telegram' });
  const sent: Array<{ address: string; followUp?: FollowUp; id: string }> = [];
  return {
    sent,
    channel: {
      ...sandbox,
      async send(address, rendered, options) {
        const result = await sandbox.send(address, rendered, options);
        if (result.ok)
          sent.push({
            address,
            id: result.providerMessageId!,
            ...(options.followUp ? { followUp: options.followUp } : {}),
          });
        return result;
      },
    },
  };
}

describe('follow-ups on the SQLite store', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('a cancel published after a restart reaches everyone the alert reached, with the message id each one has', async () => {
    const path = dir.file('store.db');
    const alert = sampleAnnouncement({ id: 'allerta-vento', severity: 'severe', topics: ['meteo'] });
    const before = createSqliteStore({ path });
    for (const address of ['101', '102', '103']) {
      await before.subscribe({ channel: 'telegram', address, topics: ['meteo'], areas: [], language: 'it' }, consent);
    }
    const first = recording();
    const broadcasterBefore = createBroadcaster({ store: before, channels: [first.channel] });
    expect((await (await broadcasterBefore.publish(alert)).done).channels[0]!.sent).toBe(3);
    await broadcasterBefore.close();
    await before.close();

    // After the restart: a citizen moved to other topics, two subscribed.
    const after = createSqliteStore({ path });
    const moved = await after.findSubscriber('telegram', '102');
    await after.updateSubscriber(moved!.id, { topics: ['eventi'] }, consent);
    await after.subscribe(
      { channel: 'telegram', address: '104', topics: ['meteo'], areas: [], language: 'it' },
      consent,
    );
    const second = recording();
    const broadcasterAfter = createBroadcaster({ store: after, channels: [second.channel] });
    const cancel = { ...alert, id: 'allerta-vento-revoca', type: 'cancel' as const, references: ['allerta-vento'] };
    expect((await broadcasterAfter.estimate(cancel)).channels[0]!.recipients).toBe(3);
    expect((await (await broadcasterAfter.publish(cancel)).done).channels[0]!.sent).toBe(3);
    const firstIds = new Map(first.sent.map((entry) => [entry.address, entry.id]));
    expect(second.sent.map((entry) => entry.address).sort()).toEqual(['101', '102', '103']);
    for (const entry of second.sent) {
      expect(entry.followUp).toMatchObject({
        kind: 'cancel',
        previousAnnouncementId: 'allerta-vento',
        previousRevision: 1,
      });
      expect(entry.followUp?.previousMessageId).toBe(firstIds.get(entry.address));
    }
    await broadcasterAfter.close();
    await after.close();
  });
});
