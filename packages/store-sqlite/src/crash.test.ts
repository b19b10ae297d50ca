import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { matchesAudience, type RunReport } from '@banditore/core';
import { seededRandom } from '@banditore/core/testing';
import { createSqliteStore } from './sqlite-store.js';
import { bundleChild, startJsonChild, type JsonChild } from './test/child-process.js';
import { crashAnnouncement, crashPopulation } from './test/crash-fixture.js';
import { startRecordingServer, type RecordingServer } from './test/recording-server.js';
import { makeTempDir, type TempDir } from './test/temp-dir.js';
import { scaled, testSeed } from './test/timing.js';

const RECIPIENTS = 10_000;
// Renewals come every third of this; on a busy machine a late renewal must not look like a death.
const LEASE_TTL_MS = scaled(2_000);
// Kill points are random, from a printed seed, so any failure can be replayed.
const SEED = testSeed('crash tests');
const random = seededRandom(SEED);
// Every wait is on an event (a message count, an exit, a report); this only catches a hang.
const HANG_MS = scaled(240_000);
const consent = { method: 'import', noticeVersion: '2026-03', at: '2026-03-01T10:00:00.000Z' } as const;

/** Seeds the store file; returns the addresses the announcement must reach. */
async function seed(path: string, size: number): Promise<Set<string>> {
  const store = createSqliteStore({ path });
  const { inputs, unsubscribe } = crashPopulation(size);
  for (let i = 0; i < inputs.length; i += 5_000) await store.importSubscribers(inputs.slice(i, i + 5_000), consent);
  for (const address of unsubscribe) {
    const found = await store.findSubscriber('http', address);
    await store.updateSubscriber(found!.id, { status: 'unsubscribed' }, { ...consent, method: 'keyword' });
  }
  await store.close();
  const audience = { channel: 'http', topics: crashAnnouncement.topics, areas: [], allTopics: false };
  return new Set(
    inputs
      .filter((input) =>
        matchesAudience({ ...input, status: unsubscribe.has(input.address) ? 'unsubscribed' : 'active' }, audience),
      )
      .map((input) => input.address),
  );
}

/** The ledger as the dead process left it. */
async function ledgerAfterKill(path: string): Promise<{ claimed: number; sent: number; planned: number }> {
  const store = createSqliteStore({ path });
  const [run] = await store.listActiveRuns();
  const [counts] = run ? await store.deliveryCounts(run.id) : [];
  await store.close();
  if (!counts) return { claimed: 0, sent: 0, planned: 0 };
  const planned = Object.values(counts.byStatus).reduce((sum, value) => sum + value, 0);
  return { claimed: counts.byStatus.claimed, sent: counts.byStatus.sent, planned };
}

/** Addresses whose delivery the ledger marks as possibly sent twice. */
function ambiguousAddresses(path: string): Set<string> {
  const db = new Database(path, { readonly: true });
  const rows = db
    .prepare(`SELECT s.address FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.ambiguous = 1`)
    .pluck()
    .all() as string[];
  db.close();
  return new Set(rows);
}

function randomBetween(low: number, high: number): number {
  return low + Math.floor(random() * (high - low));
}

describe('crash safety with real processes', () => {
  let child: { file: string; remove: () => Promise<void> };
  let dir: TempDir;
  let server: RecordingServer;
  const children: JsonChild[] = [];

  beforeAll(async () => {
    child = await bundleChild('crash-child.ts');
  });
  afterAll(async () => {
    await child.remove();
  });
  beforeEach(async () => {
    dir = await makeTempDir();
    server = await startRecordingServer();
  });
  afterEach(async () => {
    for (const running of children.splice(0)) running.process.kill('SIGKILL');
    await server.close();
    await dir.remove();
  });

  const spawnChild = (args: string[]): JsonChild => {
    const started = startJsonChild(child.file, args);
    children.push(started);
    return started;
  };

  it.each([
    { moment: 'early', low: 100, high: 1_250, restartedBy: 'instance-a' },
    { moment: 'middle', low: 3_500, high: 5_500, restartedBy: 'instance-b' },
    { moment: 'late', low: 7_500, high: 9_000, restartedBy: 'instance-a' },
  ])(
    'SIGKILL $moment, resume by $restartedBy: everyone reached, duplicates bounded and reported',
    { timeout: HANG_MS },
    async ({ low, high, restartedBy }) => {
      const path = dir.file('store.db');
      const expected = await seed(path, RECIPIENTS);
      const killAt = randomBetween(low, high);
      const context = `killed after ${killAt} messages (BANDITORE_TEST_SEED=${SEED})`;

      const first = spawnChild(['publish', path, server.url, 'instance-a', String(LEASE_TTL_MS)]);
      server.onMessage = (total) => {
        if (total >= killAt) {
          server.onMessage = undefined;
          first.process.kill('SIGKILL');
        }
      };
      const death = await first.exited;
      expect(death.signal, `${context}; the first process must die mid-run:\n${death.stderr}`).toBe('SIGKILL');

      const atKill = await ledgerAfterKill(path);
      expect(atKill.sent, context).toBeLessThan(expected.size);

      // Another instance must wait out the dead owner's lease; the same instance, restarted, need not.
      const waitMs = restartedBy === 'instance-a' ? 0 : LEASE_TTL_MS + 300;
      const second = spawnChild(['resume', path, server.url, restartedBy, String(LEASE_TTL_MS), String(waitMs)]);
      const { report } = (await second.waitFor('report')) as unknown as { report: RunReport };
      const secondExit = await second.exited;
      expect(secondExit.code, secondExit.stderr).toBe(0);

      const channel = report.channels[0]!;
      expect(report.status, context).toBe('completed');
      expect(channel, context).toMatchObject({ planned: expected.size, sent: expected.size, failed: 0, dropped: 0 });

      const missing = [...expected].filter((address) => !server.received.has(address));
      const unexpected = [...server.received.keys()].filter((address) => !expected.has(address));
      expect(missing, `${context}: recipients never reached`).toEqual([]);
      expect(unexpected, `${context}: messages to people outside the audience`).toEqual([]);

      const duplicated = [...server.received].filter(([, count]) => count > 1).map(([address]) => address);
      const duplicates = server.total - server.received.size;
      expect(duplicates, `${context}: duplicates beyond what was claimed at the kill`).toBeLessThanOrEqual(
        atKill.claimed,
      );
      expect(channel.ambiguous, `${context}: the report must own up to every duplicate`).toBeGreaterThanOrEqual(
        duplicates,
      );
      expect(channel.ambiguous, context).toBeLessThanOrEqual(atKill.claimed);
      const suspects = ambiguousAddresses(path);
      expect(
        duplicated.filter((address) => !suspects.has(address)),
        `${context}: a duplicate the ledger did not flag`,
      ).toEqual([]);
      // The ledger's count of sent messages matches what the provider saw, minus the repeats.
      expect(server.total - duplicates).toBe(channel.sent);
    },
  );

  it(
    'two processes publishing the same run: only one delivers it, each recipient once',
    { timeout: HANG_MS },
    async () => {
      const path = dir.file('store.db');
      const expected = await seed(path, 6_000);
      const a = spawnChild(['publish', path, server.url, 'instance-a', String(LEASE_TTL_MS)]);
      const b = spawnChild(['publish', path, server.url, 'instance-b', String(LEASE_TTL_MS)]);
      const reports = (await Promise.all([a.waitFor('report'), b.waitFor('report')])) as unknown as {
        report: RunReport;
      }[];
      for (const exit of [await a.exited, await b.exited]) expect(exit.code, exit.stderr).toBe(0);

      expect([...server.instances.keys()], 'messages came from more than one process').toHaveLength(1);
      expect(server.total).toBe(expected.size);
      expect(server.received.size).toBe(expected.size);
      for (const { report } of reports) {
        expect(report.status).toBe('completed');
        expect(report.channels[0]).toMatchObject({ sent: expected.size, ambiguous: 0 });
      }
    },
  );
});
