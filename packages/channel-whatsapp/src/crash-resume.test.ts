import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchesAudience, type RunReport } from '@banditore/core';
import { seededRandom } from '@banditore/core/testing';
import { createSqliteStore } from '@banditore/store-sqlite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWhatsAppSandbox, type WhatsAppSandbox } from './sandbox/index.js';
import { bundleChild, startJsonChild, type JsonChild } from './test/child-process.js';
import { crashAnnouncement, crashPopulation } from './test/crash-fixture.js';
import { SANDBOX_TEMPLATES, testSeed } from './test/rig.js';

const RECIPIENTS = 3_000;
const SLOWDOWN = Math.max(1, Number(process.env.BANDITORE_TEST_SLOWDOWN ?? 1) || 1);
// A process that takes a run over waits until the dead owner's lease lapsed — at least two thirds
// of the TTL after the kill (owners renew every third) — so with 10 s the resumed process cannot
// send to a citizen within the 6 s pair rate of the last request the dead one made.
const LEASE_TTL_MS = 10_000;
// Every wait is on an event (a count, an exit, a report); this only catches a hang.
const HANG_MS = 240_000 * SLOWDOWN;
const SEED = testSeed('whatsapp crash');
const random = seededRandom(SEED);
const PHONE_NUMBER_ID = '106540352242922';
const consent = { method: 'import', noticeVersion: '2026-03', at: '2026-03-01T10:00:00.000Z' } as const;

/** Seeds the store file; returns the numbers the notice must reach. */
async function seed(path: string): Promise<Set<string>> {
  const store = createSqliteStore({ path });
  const { inputs, unsubscribe } = crashPopulation(RECIPIENTS);
  await store.importSubscribers(inputs, consent);
  for (const address of unsubscribe) {
    const found = await store.findSubscriber('whatsapp', address);
    await store.updateSubscriber(found!.id, { status: 'unsubscribed' }, { ...consent, method: 'keyword' });
  }
  await store.close();
  const audience = { channel: 'whatsapp', topics: crashAnnouncement.topics, areas: [], allTopics: false };
  return new Set(
    inputs
      .filter((input) =>
        matchesAudience({ ...input, status: unsubscribe.has(input.address) ? 'unsubscribed' : 'active' }, audience),
      )
      .map((input) => input.address),
  );
}

/** The ledger as the dead process left it. */
async function ledgerAfterKill(path: string): Promise<{ claimed: number; sent: number }> {
  const store = createSqliteStore({ path });
  const [run] = await store.listActiveRuns();
  const [counts] = run ? await store.deliveryCounts(run.id) : [];
  await store.close();
  return { claimed: counts?.byStatus.claimed ?? 0, sent: counts?.byStatus.sent ?? 0 };
}

/** Resolves once the sandbox accepted `count` messages (checked on every turn of the event loop). */
async function acceptedAtLeast(sandbox: WhatsAppSandbox, count: number, died: Promise<unknown>): Promise<void> {
  let over = false;
  void died.then(() => (over = true));
  while (sandbox.stats.accepted < count && !over) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** Messages the sandbox accepted, per recipient. */
function acceptedPerRecipient(sandbox: WhatsAppSandbox): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of sandbox.messages) counts.set(message.to, (counts.get(message.to) ?? 0) + 1);
  return counts;
}

/** The Cloud API as strict as Meta at its worst, at the 1,000/s tier, with a messaging limit. */
function startSandbox(messagingLimit: 2_000 | 'unlimited' = 'unlimited'): Promise<WhatsAppSandbox> {
  return createWhatsAppSandbox({
    seed: SEED,
    templates: SANDBOX_TEMPLATES,
    phoneNumbers: [{ id: PHONE_NUMBER_ID, throughput: 1000 }],
    messagingLimit,
    latencyMs: [1, 25],
    // Transient 131000s: the channel retries them, and they are the sandbox's doing, not ours.
    faultRate: 0.01,
    recordLimit: RECIPIENTS * 2,
  });
}

describe('crash and resume through the Cloud API sandbox, with real processes', () => {
  let child: { file: string; remove: () => Promise<void> };
  let dir: string;
  let sandbox: WhatsAppSandbox | undefined;
  const children: JsonChild[] = [];

  beforeAll(async () => {
    child = await bundleChild('crash-child.ts');
  });
  afterAll(async () => {
    await child.remove();
  });
  afterEach(async () => {
    for (const running of children.splice(0)) running.process.kill('SIGKILL');
    await sandbox?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const spawnChild = (args: string[]): JsonChild => {
    const started = startJsonChild(child.file, args);
    children.push(started);
    return started;
  };

  it.each([
    { moment: 'early', low: 150, high: 700 },
    { moment: 'late', low: 1_400, high: 1_850 },
  ])(
    'SIGKILL $moment at 1,000/s, a new process resumes: nobody lost, duplicates within what the report calls ambiguous, no 130429 or 131056',
    { timeout: HANG_MS },
    async ({ low, high }) => {
      dir = await mkdtemp(join(tmpdir(), 'banditore-whatsapp-'));
      const path = join(dir, 'store.db');
      const expected = await seed(path);
      sandbox = await startSandbox();
      const killAt = low + Math.floor(random() * (high - low));
      const context = `killed after ${killAt} accepted messages (SANDBOX_SEED=${SEED})`;
      const args = (mode: string): string[] => [
        mode,
        path,
        sandbox!.url,
        PHONE_NUMBER_ID,
        'comune-jesi',
        String(LEASE_TTL_MS),
      ];

      const first = spawnChild(args('publish'));
      await acceptedAtLeast(sandbox, killAt, first.exited);
      first.process.kill('SIGKILL');
      const death = await first.exited;
      expect(death.signal, `${context}; the first process must die mid-run:\n${death.stderr}`).toBe('SIGKILL');
      const atKill = await ledgerAfterKill(path);
      expect(atKill.sent, context).toBeLessThan(expected.size);

      // A restarted process, same instance id: it waits for the dead incarnation's lease to lapse.
      const second = spawnChild(args('resume'));
      const { report } = (await second.waitFor('report')) as unknown as { report: RunReport };
      const secondExit = await second.exited;
      expect(secondExit.code, secondExit.stderr).toBe(0);

      const channel = report.channels[0]!;
      expect(report.status, context).toBe('completed');
      expect(channel, context).toMatchObject({ planned: expected.size, sent: expected.size, failed: 0, dropped: 0 });

      const accepted = acceptedPerRecipient(sandbox);
      const missing = [...expected].filter((to) => !accepted.has(to));
      const unexpected = [...accepted.keys()].filter((to) => !expected.has(to));
      expect(missing.length, `${context}: recipients never reached`).toBe(0);
      expect(unexpected.length, `${context}: messages to citizens outside the audience`).toBe(0);

      const duplicates = sandbox.stats.accepted - accepted.size;
      process.stdout.write(
        `${context}: claimed at the kill ${atKill.claimed}, ambiguous ${channel.ambiguous}, duplicates ${duplicates}, ` +
          `sandbox errors ${JSON.stringify(sandbox.stats.errors)}\n`,
      );
      expect(duplicates, `${context}: duplicates beyond what was claimed at the kill`).toBeLessThanOrEqual(
        atKill.claimed,
      );
      expect(channel.ambiguous, `${context}: the report must own up to every duplicate`).toBeGreaterThanOrEqual(
        duplicates,
      );
      expect(channel.ambiguous, context).toBeLessThanOrEqual(atKill.claimed);
      // The limits Meta punishes: never breached, before the kill or after the resume.
      expect(sandbox.stats.errors[130429] ?? 0, `${context}: throughput breached`).toBe(0);
      expect(sandbox.stats.errors[131056] ?? 0, `${context}: pair rate breached`).toBe(0);
      expect(sandbox.stats.errors[131048] ?? 0, context).toBe(0);
    },
  );
  it(
    "the restarted process reads the messaging limit's use back from the ledger: it holds the rest at the tier instead of sending into 131048",
    { timeout: HANG_MS },
    async () => {
      dir = await mkdtemp(join(tmpdir(), 'banditore-whatsapp-'));
      const path = join(dir, 'store.db');
      const expected = await seed(path);
      const TIER = 2_000;
      expect(expected.size).toBeGreaterThan(TIER);
      sandbox = await startSandbox(TIER);
      const killAt = 400 + Math.floor(random() * 1_000);
      const context = `killed after ${killAt} accepted messages (SANDBOX_SEED=${SEED})`;
      const args = (mode: string): string[] => [
        mode,
        path,
        sandbox!.url,
        PHONE_NUMBER_ID,
        'comune-jesi',
        String(LEASE_TTL_MS),
        String(TIER),
      ];

      const first = spawnChild(args('publish'));
      await acceptedAtLeast(sandbox, killAt, first.exited);
      first.process.kill('SIGKILL');
      expect((await first.exited).signal, context).toBe('SIGKILL');

      // The restarted process seeds the quota from the ledger; it reaches the tier, then holds.
      const second = spawnChild(args('resume'));
      // Held by the quota — or, for a process that forgot, refused by Meta: either ends the wait.
      let over = false;
      void second.exited.then(() => (over = true));
      const held = (): boolean => second.messages.some((message) => message.type === 'held');
      while (!held() && !(sandbox.stats.errors[131048] ?? 0) && !over) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      second.process.kill('SIGKILL');
      await second.exited;

      const accepted = acceptedPerRecipient(sandbox);
      process.stdout.write(
        `${context}: ${accepted.size} citizens reached of ${TIER}, sandbox errors ${JSON.stringify(sandbox.stats.errors)}\n`,
      );
      expect(sandbox.stats.errors[131048] ?? 0, `${context}: sent beyond the messaging limit`).toBe(0);
      expect(sandbox.messagingLimitUsed(), context).toBeLessThanOrEqual(TIER);
      // Held, not idle: the quota counts every grant (resends included), so it may stop a few short.
      expect(accepted.size, context).toBeGreaterThan(TIER - 200);
      expect(
        [...accepted.keys()].every((to) => expected.has(to)),
        context,
      ).toBe(true);
      expect(sandbox.stats.errors[130429] ?? 0, context).toBe(0);
      expect(sandbox.stats.errors[131056] ?? 0, context).toBe(0);
    },
  );
});
