import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunReport } from '@banditore/core';
import { createSqliteStore } from './sqlite-store.js';
import { bundleChild, startJsonChild, type JsonChild } from './test/child-process.js';
import { startRecordingServer, type RecordingServer } from './test/recording-server.js';
import { makeTempDir, type TempDir } from './test/temp-dir.js';

/** Slower machines set BANDITORE_TEST_SLOWDOWN (e.g. 3): process-level waits scale with it. */
const SLOWDOWN = Math.max(1, Number(process.env.BANDITORE_TEST_SLOWDOWN ?? 1) || 1);
const RECIPIENTS = 600;
const HOUR_MS = 3_600_000;
const consent = { method: 'import', noticeVersion: '2026-03', at: '2026-03-01T10:00:00.000Z' } as const;

async function seed(path: string): Promise<void> {
  const store = createSqliteStore({ path });
  const inputs = Array.from({ length: RECIPIENTS }, (_, i) => ({
    channel: 'http',
    address: `citizen-${String(i).padStart(4, '0')}`,
    topics: ['meteo'],
    areas: [],
    language: 'it',
  }));
  await store.importSubscribers(inputs, consent);
  await store.close();
}

/** Resolves once the server has accepted `count` messages. */
function received(server: RecordingServer, count: number): Promise<void> {
  return new Promise((resolve) => {
    if (server.total >= count) return resolve();
    server.onMessage = (total) => {
      if (total >= count) resolve();
    };
  });
}

describe('a wall-clock step under a running broadcast, in real processes', () => {
  let child: { file: string; remove: () => Promise<void> };
  let dir: TempDir;
  let server: RecordingServer;
  const children: JsonChild[] = [];

  beforeAll(async () => {
    child = await bundleChild('clock-jump-child.ts');
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

  it.each([
    { step: '+8 h', stepMs: 8 * HOUR_MS },
    { step: '-8 h', stepMs: -8 * HOUR_MS },
  ])(
    'wall clock $step: one owner (same instance id in both), no send after expiry, consent stamped on the new wall time',
    async ({ stepMs }) => {
      const path = join(dir.path, 'store.db');
      const offsetFile = join(dir.path, 'wall-offset');
      await seed(path);
      await writeFile(offsetFile, '0');
      // Expires an hour from now: gone after +8 h, still far ahead after -8 h.
      const expiresAt = Math.ceil((Date.now() + HOUR_MS) / 1000) * 1000;
      const expires = new Date(expiresAt).toISOString();
      // Long enough that a busy machine never delays a renewal past it; nobody should take over anyway.
      const ttl = String(10_000 * SLOWDOWN);
      const spawn = (mode: string): JsonChild => {
        const started = startJsonChild(child.file, [mode, path, server.url, offsetFile, expires, ttl]);
        children.push(started);
        return started;
      };

      const owner = spawn('publish');
      expect((await owner.waitFor('started')).created).toBe(true);
      const watcher = spawn('watch');
      expect((await watcher.waitFor('started')).created).toBe(false);
      await received(server, 100);

      await writeFile(offsetFile, String(stepMs));
      const stepped = Date.now();
      const [ownerStamp, watcherStamp] = await Promise.all([owner.waitFor('consent'), watcher.waitFor('consent')]);
      const [ownerDone, watcherDone] = await Promise.all([owner.waitFor('report'), watcher.waitFor('report')]);
      const ownerReport = ownerDone.report as RunReport;
      const watcherReport = watcherDone.report as RunReport;

      // Consent given after the step carries the stepped wall time.
      for (const stamp of [ownerStamp, watcherStamp]) {
        const at = stamp.at as number;
        expect(Math.abs(at - (stepped + stepMs))).toBeLessThan(60_000 * SLOWDOWN);
        expect(at).toBeLessThanOrEqual((stamp.wall as number) + 1);
      }
      // Nobody took the run over from its live owner, and only the owner sent.
      expect([...owner.messages, ...watcher.messages].filter((message) => message.type === 'resumed')).toEqual([]);
      expect([...server.instances.keys()]).toEqual(['publish']);
      expect([...server.received.values()].every((count) => count === 1)).toBe(true);
      // Every send began before the announcement expired by the (stepped) wall clock.
      const sends = owner.messages.filter((message) => message.type === 'send').map((message) => message.at as number);
      expect(sends.length).toBeGreaterThanOrEqual(100);
      expect(sends.filter((at) => at >= expiresAt)).toEqual([]);

      if (stepMs > 0) {
        expect(ownerReport.status).toBe('expired');
        expect(server.total).toBeLessThan(RECIPIENTS);
        expect(ownerReport.channels[0]!.expired).toBe(RECIPIENTS - server.total);
      } else {
        // Monotonic pacing: the step back neither stalls nor bursts the broadcast.
        expect(ownerReport.status).toBe('completed');
        expect(server.received.size).toBe(RECIPIENTS);
      }
      expect(watcherReport.status).toBe(ownerReport.status);
      for (const running of [owner, watcher]) expect((await running.exited).code).toBe(0);
    },
    120_000 * SLOWDOWN,
  );
});
