import { createServer, type Server } from 'node:net';
import type { RunReport } from '@banditore/core';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPortFree, parsePort, PortInUseError } from './port.js';
import { parseWorkers } from './workers.js';
import { reportLines } from './progress-view.js';

let holder: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (holder ? holder.close(() => resolve()) : resolve()));
  holder = undefined;
});

describe('the demo port', () => {
  it('says what to do when the port is taken, instead of an EADDRINUSE stack', async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder!.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    const error = await checkPortFree(port, '127.0.0.1').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toContain(`Port ${port} is already in use`);
    expect((error as Error).message).toContain('--port=');
    expect((error as Error).message).not.toContain('EADDRINUSE');
  });

  it('accepts a free port and port 0', async () => {
    await expect(checkPortFree(0, '127.0.0.1')).resolves.toBeUndefined();
  });

  it.each([
    [[], 3000],
    [['--port=0'], 0],
    [['--once', '--port=8080'], 8080],
  ])('reads %j as port %d', (args, port) => {
    expect(parsePort(args)).toBe(port);
  });

  it.each(['--port=abc', '--port=70000', '--port=-1', '--port='])('refuses %s with a message', (flag) => {
    expect(() => parsePort([flag])).toThrow(/--port must be a number from 0 to 65535/);
  });
});

describe('the number of workers', () => {
  it.each([
    [[], 1],
    [['--workers=3'], 3],
    [['--once', '--workers=8'], 8],
  ])('reads %j as %d workers', (args, workers) => {
    expect(parseWorkers(args)).toBe(workers);
  });

  it.each(['--workers=0', '--workers=9', '--workers=two', '--workers='])('refuses %s with a message', (flag) => {
    expect(() => parseWorkers([flag])).toThrow(/--workers must be a whole number from 1 to 8/);
  });
});

describe('the final report', () => {
  it('lists every column, cancelled and expired included, so they add up to planned', () => {
    const report: RunReport = {
      runId: 'run-1',
      announcementId: 'a-1',
      status: 'cancelled',
      priority: 'normal',
      startedAt: '2026-03-01T10:00:00.000Z',
      finishedAt: '2026-03-01T10:00:12.000Z',
      durationMs: 12_000,
      channels: [
        {
          channel: 'telegram',
          planned: 361,
          sent: 343,
          failed: 0,
          dropped: 0,
          cancelled: 14,
          expired: 4,
          ambiguous: 0,
          byCode: {},
        },
      ],
    };
    const [, line] = reportLines('Eventi', report);
    const numbers: Record<string, number> = {};
    for (const [, column, count] of line!.matchAll(/(planned|sent|dropped|failed|cancelled|expired|pending) (\d+)/g)) {
      numbers[column!] = Number(count);
    }
    expect(numbers).toEqual({ planned: 361, sent: 343, dropped: 0, failed: 0, cancelled: 14, expired: 4 });
  });

  it('shows what is still pending when a stopped channel leaves deliveries for resume()', () => {
    const report: RunReport = {
      runId: 'run-2',
      announcementId: 'a-2',
      status: 'incomplete',
      priority: 'normal',
      startedAt: '2026-03-01T10:00:00.000Z',
      finishedAt: '2026-03-01T10:00:01.000Z',
      durationMs: 1000,
      channels: [
        {
          channel: 'telegram',
          planned: 10,
          sent: 4,
          failed: 0,
          dropped: 0,
          cancelled: 0,
          expired: 0,
          ambiguous: 0,
          byCode: {},
          stoppedCode: 'AUTH_FAILED',
        },
      ],
    };
    expect(reportLines('Eventi', report)[1]).toContain('pending 6');
  });
});
