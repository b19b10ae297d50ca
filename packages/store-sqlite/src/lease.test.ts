import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleAnnouncement } from '@banditore/core/testing';
import { createSqliteStore, type SqliteStore } from './sqlite-store.js';
import { bundleChild, startJsonChild } from './test/child-process.js';
import { makeTempDir, type TempDir } from './test/temp-dir.js';

const consent = { method: 'import', noticeVersion: '2026-03', at: '2026-03-01T10:00:00.000Z' } as const;

async function createRun(store: SqliteStore, id: string): Promise<void> {
  await store.createRun({
    id,
    idempotencyKey: id,
    announcement: sampleAnnouncement(),
    priority: 'normal',
    audiences: [{ channel: 'telegram', topics: [], areas: [], allTopics: true }],
    createdAt: 1,
  });
}

describe('one run, several connections and processes', () => {
  let child: { file: string; remove: () => Promise<void> };
  let dir: TempDir;
  let path: string;
  let store: SqliteStore;

  beforeAll(async () => {
    child = await bundleChild('store-child.ts');
  });
  afterAll(async () => {
    await child.remove();
  });
  beforeEach(async () => {
    dir = await makeTempDir();
    path = dir.file('store.db');
    store = createSqliteStore({ path });
    await createRun(store, 'run-1');
  });
  afterEach(async () => {
    await store.close();
    await dir.remove();
  });

  it('two connections in one process see and respect each other’s lease', async () => {
    const other = createSqliteStore({ path });
    try {
      expect(await store.acquireLease('run-1', 'a', 1_000, 10_000)).toBe(true);
      expect(await other.acquireLease('run-1', 'b', 1_000, 10_500)).toBe(false);
      expect(await other.acquireLease('run-1', 'b', 1_000, 11_001)).toBe(true);
      expect(await store.acquireLease('run-1', 'a', 1_000, 11_100)).toBe(false);
      await other.releaseLease('run-1', 'b');
      expect(await store.acquireLease('run-1', 'a', 1_000, 11_200)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('another process is refused while the lease holds and gets it once it expires', async () => {
    expect(await store.acquireLease('run-1', 'parent', 5_000, 100_000)).toBe(true);
    const refused = startJsonChild(child.file, ['lease', path, 'run-1', 'child', '5000', '104000']);
    expect((await refused.waitFor('lease')).held).toBe(false);
    await refused.exited;
    const granted = startJsonChild(child.file, ['lease', path, 'run-1', 'child', '5000', '105001']);
    expect((await granted.waitFor('lease')).held).toBe(true);
    await granted.exited;
    // The parent, back after the expiry, must not take the run back from the child.
    expect(await store.acquireLease('run-1', 'parent', 5_000, 105_100)).toBe(false);
  });

  it('claims from two processes at once never hand out the same delivery twice', async () => {
    const total = 3_000;
    await store.importSubscribers(
      Array.from({ length: total }, (_, i) => ({
        channel: 'telegram',
        address: `chat-${i}`,
        topics: [],
        areas: [],
        language: 'it',
      })),
      consent,
    );
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.audiencePage(
        { channel: 'telegram', topics: [], areas: [], allTopics: true },
        cursor,
        500,
      );
      ids.push(...page.members.map((member) => member.subscriberId));
      cursor = page.next;
    } while (cursor !== undefined);
    await store.appendDeliveries('run-1', 'telegram', ids, { cursor: undefined, done: true });

    const other = startJsonChild(child.file, ['claim', path, 'run-1', 'telegram', '7']);
    // The child holds after its first batch until we have one too: both surely claim, however
    // the machine schedules the two processes; after that they race freely.
    await other.waitFor('claiming');
    const mine: string[] = [];
    let released = false;
    for (;;) {
      const claimed = await store.claimDeliveries('run-1', 'telegram', 5);
      if (!released) other.send('go');
      released = true;
      if (claimed.length === 0) break;
      mine.push(...claimed.map((delivery) => delivery.deliveryId));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const theirs = (await other.waitFor('claimed')).ids as string[];
    await other.exited;
    expect(mine.length).toBeGreaterThan(0);
    expect(theirs.length).toBeGreaterThan(0);
    const all = [...mine, ...theirs];
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
  });
});
