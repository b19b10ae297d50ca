import { describe, expect, it } from 'vitest';
import type { Channel, FollowUp, FollowUpContext, SendOptions } from '../channel/channel.js';
import type { Announcement } from '../domain/announcement.js';
import { EXERCISE_TOPIC } from '../domain/audience.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { Store } from '../store/run-store.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { createSandboxChannel, type SandboxChannelMessage } from '../testing/sandbox-channel.js';
import { IMPORT_CONSENT, seedSubscribers } from '../test-support/seed.js';
import { changesBetween, markFollowUp } from './follow-up.js';
import { createBroadcaster } from './create-broadcaster.js';

interface Sent {
  address: string;
  text: string;
  followUp: FollowUp | undefined;
  messageId: string;
}

/** A sandbox that keeps the text and the follow-up of every send; `refuse` fails chosen sends. */
function recordingChannel(options: { refuse?: (address: string, text: string) => boolean; followUps?: boolean } = {}) {
  const sandbox = createSandboxChannel();
  const sent: Sent[] = [];
  const contexts: FollowUpContext[] = [];
  const channel: Channel<SandboxChannelMessage> = {
    name: sandbox.name,
    limits: sandbox.limits,
    addressSchema: sandbox.addressSchema,
    render: (announcement, language) => sandbox.render(announcement, language),
    async send(address, rendered, sendOptions: SendOptions) {
      if (options.refuse?.(address, rendered.text)) {
        const { ChannelError } = await import('../channel/channel-error.js');
        return { ok: false, error: new ChannelError('MESSAGE_REJECTED', 'refused by the test') };
      }
      const result = await sandbox.send(address, rendered, sendOptions);
      if (result.ok)
        sent.push({
          address,
          text: rendered.text,
          followUp: sendOptions.followUp,
          messageId: result.providerMessageId!,
        });
      return result;
    },
  };
  if (options.followUps) {
    channel.renderFollowUp = (announcement: Announcement, language: string, context: FollowUpContext) => {
      contexts.push(context);
      return { ...sandbox.render(announcement, language), text: `[${context.kind}: ${context.changes.join(',')}]` };
    };
  }
  return { channel, sent, contexts };
}

const alert = (overrides: Partial<Parameters<typeof sampleAnnouncement>[0]> = {}): Announcement =>
  sampleAnnouncement({
    id: 'frana-smia',
    severity: 'moderate',
    topics: ['protezione-civile'],
    content: { it: { headline: 'Frana sulla strada per Smia', body: 'Strada chiusa.' } },
    ...overrides,
  });

async function addresses(store: Store, ids: readonly string[]): Promise<string[]> {
  const found = await Promise.all(ids.map((id) => store.getSubscriber(id)));
  return found.map((subscriber) => subscriber!.address);
}

describe('follow-ups: updates and cancels reach everyone the first message reached', () => {
  it('an update goes to the earlier recipients as a marked follow-up and to the others as a first message; a cancel only to those reached', async () => {
    const store = createMemoryStore({ keepMessageIds: true });
    const ids = await seedSubscribers(store, 5, { topics: ['protezione-civile'] });
    let refusing = true;
    const { channel, sent } = recordingChannel({ refuse: (address) => refusing && address === 'addr-4' });
    const broadcaster = createBroadcaster({ store, channels: [channel] });

    const first = await (await broadcaster.publish(alert())).done;
    expect(first.channels[0]).toMatchObject({ sent: 4, failed: 1 });
    // After the alert: one citizen changes topics (the alert reached them: they must hear the rest),
    // one subscribes.
    await store.updateSubscriber(ids[2]!, { topics: ['eventi'] }, IMPORT_CONSENT);
    await store.subscribe(
      { channel: 'sandbox', address: 'late', topics: ['protezione-civile'], areas: [], language: 'it' },
      IMPORT_CONSENT,
    );
    sent.length = 0;
    refusing = false;

    const update = alert({
      revision: 2,
      severity: 'severe',
      content: { it: { headline: 'Frana: evacuate via Smia', body: 'Strada chiusa, evacuazione.' } },
    });
    const second = await (await broadcaster.publish(update)).done;
    expect(second.channels[0]!.sent).toBe(6);
    const followUps = sent.filter((entry) => entry.followUp !== undefined);
    expect(followUps.map((entry) => entry.address).sort()).toEqual(['addr-0', 'addr-1', 'addr-2', 'addr-3']);
    for (const entry of followUps) {
      expect(entry.text.startsWith('Aggiornamento: Frana: evacuate')).toBe(true);
      expect(entry.followUp).toMatchObject({
        kind: 'update',
        previousAnnouncementId: 'frana-smia',
        previousRevision: 1,
      });
      expect(entry.followUp!.previousMessageId).toMatch(/^sandbox-/);
    }
    const firsts = sent.filter((entry) => entry.followUp === undefined);
    expect(firsts.map((entry) => entry.address).sort()).toEqual(['addr-4', 'late']);
    expect(firsts.every((entry) => entry.text.startsWith('Frana: evacuate'))).toBe(true);
    const revision2 = new Map(sent.map((entry) => [entry.address, entry.messageId]));
    // The estimate counts who the cancel will reach (the six the thread reached), not its audience.
    await store.subscribe(
      { channel: 'sandbox', address: 'not-reached', topics: ['protezione-civile'], areas: [], language: 'it' },
      IMPORT_CONSENT,
    );
    sent.length = 0;

    const cancel = alert({
      id: 'frana-smia-revoca',
      type: 'cancel',
      references: ['frana-smia'],
      severity: 'minor',
      content: { it: { headline: 'Frana: strada riaperta' } },
    });
    expect((await broadcaster.estimate(cancel)).channels[0]!.recipients).toBe(6);
    // An update would reach them and the one not reached yet.
    expect((await broadcaster.estimate(alert({ revision: 3 }))).channels[0]!.recipients).toBe(7);
    const third = await (await broadcaster.publish(cancel)).done;
    expect(third.channels[0]!.sent).toBe(6);
    expect(sent.map((entry) => entry.address).sort()).toEqual([
      'addr-0',
      'addr-1',
      'addr-2',
      'addr-3',
      'addr-4',
      'late',
    ]);
    for (const entry of sent) {
      expect(entry.text.startsWith('Revocata: Frana: strada riaperta')).toBe(true);
      // The message the recipient has now: revision 2's.
      expect(entry.followUp).toMatchObject({ kind: 'cancel', previousRevision: 2 });
      expect(entry.followUp!.previousMessageId).toBe(revision2.get(entry.address));
    }
    // The ledger knows who got which revision.
    const prior = await store.priorSends({
      channel: 'sandbox',
      announcementIds: ['frana-smia'],
      excludeRunId: 'none',
      limit: 100,
    });
    expect(prior.sends.every((send) => send.revision === 2)).toBe(true);
    expect(
      await addresses(
        store,
        prior.sends.map((send) => send.subscriberId),
      ),
    ).toHaveLength(6);
    await broadcaster.close();
  });

  it('without kept message ids (the memory store by default) a follow-up still reaches everyone, as a new message', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 3, { topics: ['protezione-civile'] });
    const { channel, sent } = recordingChannel();
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    await (
      await broadcaster.publish(alert())
    ).done;
    await (
      await broadcaster.publish(alert({ revision: 2 }))
    ).done;
    const followUps = sent.slice(3);
    expect(followUps).toHaveLength(3);
    for (const entry of followUps) {
      expect(entry.followUp).toMatchObject({ kind: 'update', previousRevision: 1 });
      expect(entry.followUp!.previousMessageId).toBeUndefined();
    }
    await broadcaster.close();
  });

  it('tells a channel with renderFollowUp what changed, and renders it once per language', async () => {
    const store = createMemoryStore({ keepMessageIds: true });
    await seedSubscribers(store, 3, { topics: ['protezione-civile'] });
    const { channel, sent, contexts } = recordingChannel({ followUps: true });
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    await (
      await broadcaster.publish(alert())
    ).done;
    await (
      await broadcaster.publish(
        alert({
          revision: 2,
          colorCode: 'arancione',
          content: { it: { headline: 'Frana sulla strada per Smia', body: 'Evacuate.' } },
        }),
      )
    ).done;
    expect(contexts).toHaveLength(1);
    expect(contexts[0]!.changes).toEqual(['colorCode', 'body']);
    expect(contexts[0]!.previous?.revision).toBe(1);
    expect(sent.slice(3).map((entry) => entry.text)).toEqual(Array(3).fill('[update: colorCode,body]'));
    await broadcaster.close();
  });
});

describe('follow-ups: the thread is transitive', () => {
  it('a cancel referencing the first alert also reaches whoever only its update reached, and follows up the update', async () => {
    const store = createMemoryStore({ keepMessageIds: true });
    await seedSubscribers(store, 2, { topics: ['protezione-civile'] });
    const { channel, sent } = recordingChannel();
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    await (
      await broadcaster.publish(alert())
    ).done;
    await store.subscribe(
      { channel: 'sandbox', address: 'after-alert', topics: ['protezione-civile'], areas: [], language: 'it' },
      IMPORT_CONSENT,
    );
    // The update has its own id (as the draft desk makes them) and references the alert.
    await (
      await broadcaster.publish(alert({ id: 'frana-smia.2', type: 'update', references: ['frana-smia'] }))
    ).done;
    const byUpdate = new Map(sent.slice(2).map((entry) => [entry.address, entry.messageId]));
    expect([...byUpdate.keys()].sort()).toEqual(['addr-0', 'addr-1', 'after-alert']);
    sent.length = 0;
    await (
      await broadcaster.publish(
        alert({ id: 'frana-smia-revoca', type: 'cancel', references: ['frana-smia'], severity: 'minor' }),
      )
    ).done;
    expect(sent.map((entry) => entry.address).sort()).toEqual(['addr-0', 'addr-1', 'after-alert']);
    for (const entry of sent) {
      expect(entry.followUp).toMatchObject({ kind: 'cancel', previousAnnouncementId: 'frana-smia.2' });
      expect(entry.followUp!.previousMessageId).toBe(byUpdate.get(entry.address));
    }
    await broadcaster.close();
  });
});

describe('follow-ups: a correction stops the message it corrects', () => {
  it('a cancel published while the alert is still going out cancels that run; whoever the alert reached gets the cancel, nobody gets the alert after it', async () => {
    const store = createMemoryStore({ keepMessageIds: true });
    await seedSubscribers(store, 60, { topics: ['protezione-civile'] });
    const log: Array<{ address: string; kind: 'alert' | 'cancel' }> = [];
    const sandbox = createSandboxChannel({ limits: { ratePerSecond: 20, concurrency: 2 } });
    const channel: Channel<SandboxChannelMessage> = {
      ...sandbox,
      async send(address, rendered, options) {
        const result = await sandbox.send(address, rendered, options);
        if (result.ok) log.push({ address, kind: rendered.announcementId === 'frana-smia' ? 'alert' : 'cancel' });
        return result;
      },
    };
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const first = await broadcaster.publish(alert());
    // Wait until the alert is part-way out.
    for await (const progress of first) if (progress.channels[0]!.sent >= 5) break;
    const cancel = await broadcaster.publish(
      alert({ id: 'frana-smia-revoca', type: 'cancel', references: ['frana-smia'], severity: 'minor' }),
    );
    const [firstReport, cancelReport] = await Promise.all([first.done, cancel.done]);
    expect(firstReport.status).toBe('cancelled');
    const alerted = log.filter((entry) => entry.kind === 'alert').map((entry) => entry.address);
    const cancelled = log.filter((entry) => entry.kind === 'cancel').map((entry) => entry.address);
    expect(alerted.length).toBeGreaterThanOrEqual(5);
    expect(alerted.length).toBeLessThan(60);
    expect(cancelled.sort()).toEqual([...alerted].sort());
    expect(cancelReport.channels[0]!.sent).toBe(alerted.length);
    const firstCancel = log.findIndex((entry) => entry.kind === 'cancel');
    expect(log.slice(firstCancel).every((entry) => entry.kind === 'cancel')).toBe(true);
    await broadcaster.close();
  });
});

describe('follow-ups: resumed', () => {
  it('a follow-up interrupted while planning and sending resumes where it was: each citizen gets it once, as the right kind', async () => {
    const store = createMemoryStore({ keepMessageIds: true });
    await seedSubscribers(store, 30, { topics: ['protezione-civile'] });
    const first = recordingChannel();
    const before = createBroadcaster({ store, channels: [first.channel] });
    await (
      await before.publish(alert())
    ).done;
    await before.close();
    await seedSubscribers(store, 10, { topics: ['protezione-civile'], prefix: 'new-' });

    const log: Array<{ address: string; followUp: FollowUp | undefined }> = [];
    const slow = createSandboxChannel({ limits: { ratePerSecond: 20, concurrency: 2 } });
    const channel: Channel<SandboxChannelMessage> = {
      ...slow,
      async send(address, rendered, options) {
        const result = await slow.send(address, rendered, options);
        if (result.ok) log.push({ address, followUp: options.followUp });
        return result;
      },
    };
    // Planning stops after three pages (in the middle of the earlier recipients) until the close.
    let pages = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holding: Store = {
      ...store,
      async appendDeliveries(...args) {
        if (++pages > 3) await held;
        return store.appendDeliveries(...args);
      },
    };
    const interrupted = createBroadcaster({ store: holding, channels: [channel], planPageSize: 7 });
    const run = await interrupted.publish(alert({ revision: 2 }));
    for await (const progress of run) if (progress.channels[0]!.sent >= 5) break;
    const closing = interrupted.close();
    release();
    await closing;
    expect(log.length).toBeLessThan(40);
    const stored = await store.getRun(run.id);
    expect(stored?.plan.sandbox?.done).toBe(false);

    const resumed = createBroadcaster({ store, channels: [channel], planPageSize: 7 });
    const [again] = await resumed.resume();
    await again!.done;
    const addresses = log.map((entry) => entry.address);
    expect(new Set(addresses).size).toBe(40);
    expect(addresses).toHaveLength(40);
    for (const entry of log) expect(entry.followUp !== undefined).toBe(entry.address.startsWith('addr-'));
    await resumed.close();
  });
});

describe('exercise mode', () => {
  it('an exercise reaches only subscribers who hold the exercise topic, emergency or not', async () => {
    const store = createMemoryStore({ keepMessageIds: true });
    await seedSubscribers(store, 3, { topics: [], prefix: 'everything-' });
    await seedSubscribers(store, 2, { topics: ['protezione-civile'], prefix: 'civil-' });
    await seedSubscribers(store, 2, { topics: [EXERCISE_TOPIC], prefix: 'staff-' });
    const { channel, sent } = recordingChannel();
    const broadcaster = createBroadcaster({ store, channels: [channel], emergencyReachesAll: true });
    const estimate = await broadcaster.estimate(alert({ status: 'exercise', severity: 'extreme' }));
    expect(estimate.channels[0]!.recipients).toBe(2);
    await (
      await broadcaster.publish(alert({ status: 'exercise', severity: 'extreme' }))
    ).done;
    expect(sent.map((entry) => entry.address).sort()).toEqual(['staff-0', 'staff-1']);
    await broadcaster.close();
  });
});

describe('unit: follow-up helpers', () => {
  it('marks each language once', () => {
    const marked = markFollowUp(
      sampleAnnouncement({ content: { it: { headline: 'Allerta' }, en: { headline: 'Alert' } } }),
      'cancel',
    );
    expect(marked.content.it!.headline).toBe('Revocata: Allerta');
    expect(marked.content.en!.headline).toBe('Cancelled: Alert');
    expect(markFollowUp(marked, 'cancel').content.it!.headline).toBe('Revocata: Allerta');
  });

  it('names what changed', () => {
    const before = alert();
    expect(changesBetween(before, before)).toEqual([]);
    expect(changesBetween(before, { ...before, expires: '2026-12-07T10:00:00+01:00', areas: ['smia'] })).toEqual([
      'areas',
      'expires',
    ]);
  });
});
