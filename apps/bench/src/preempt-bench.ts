/**
 * Cross-worker emergency preemption for `npm run bench` (`--only=preempt`): an emergency published
 * on one worker process overtakes the routine run another worker is delivering on the same sender
 * account. Real processes on the PostgreSQL of the `postgres` section (skipped without one).
 *
 * Each of 3 runs, in a fresh schema: worker B publishes a routine notice to 20,000 citizens through
 * the strict sandbox provider (80/s, exact sliding second counted on arrival) and paces that
 * account. Once the sandbox has accepted 160 routine messages plus a seeded 0–39 more (so that
 * the publish falls at a different point of B's 250 ms adoption poll each run), worker A — a second process, started
 * then — publishes an emergency (severity extreme) to 50 other citizens on the same account. A
 * leaves the run to B, whose adoption loop takes it on and whose lane sends it first.
 *
 * - `workers_emergency_first_delivery_ms`: from A *calling* `publish` to the sandbox accepting the
 *   first emergency message (median of the runs; the time from the call returning is in the notes).
 * - `workers_emergency_all_delivered_ms`: from the same call to the last of the 50 (median).
 * - `workers_emergency_max_window`: the most requests, accepted or refused, that arrived in any
 *   sliding second during any run (the sandbox refuses those over the limit).
 * - `workers_emergency_sent_by_publisher`: emergency messages worker A sent itself, all runs.
 */
import { maxInAnySecond, seededRandom } from '@banditore/core/testing';
import { median, note, type Figure } from './figures.js';
import { DATABASE_URL, LEASE_TTL_MS, freshStore, postgresUnavailable, startSandbox } from './postgres-bench.js';
import { startWorker } from './pg-worker.js';

const LIMIT = 80;
const EMERGENCY = 50;
const RUNS = 3;
/** Routine messages the sandbox accepts before the emergency: B is well into its run by then. */
const HEAD_START = 160;
const SEED = 20261206;
const DEADLINE_MS = 30_000;

interface Trial {
  firstMs: number;
  firstAfterReturnMs: number;
  allMs: number;
  maxWindow: number;
  refused: number;
  senders: Map<string, number>;
  watchedSent: number | undefined;
  /** From the last emergency delivery to A's handle ending (A also closes its broadcaster meanwhile). */
  watchedLagMs: number;
}

/** Waits until `ready()` holds, checking every few ms; throws after {@link DEADLINE_MS}. */
async function until(what: string, ready: () => boolean): Promise<void> {
  const deadline = performance.now() + DEADLINE_MS;
  while (!ready()) {
    if (performance.now() > deadline) throw new Error(`preempt: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function trial(index: number, routine: number, headStart: number): Promise<Trial> {
  // Routine subscribers follow `eventi`, the emergency's follow `protezione-civile` only.
  const store = await freshStore(`preempt${index}`, routine + EMERGENCY, (i) =>
    i < routine ? ['eventi'] : ['protezione-civile'],
  );
  const isEmergency = (to: string): boolean => Number(to.slice(5)) >= routine;
  const arrivals: number[] = [];
  const emergencyAt: number[] = [];
  const senders = new Map<string, number>();
  let refused = 0;
  const sandbox = await startSandbox(LIMIT, (message, arrived, accepted) => {
    arrivals.push(arrived);
    if (!accepted) refused++;
    else if (isEmergency(message.to)) {
      // Absolute time, comparable with the times the worker process reports.
      emergencyAt.push(performance.timeOrigin + arrived);
      const from = message.from ?? '?';
      senders.set(from, (senders.get(from) ?? 0) + 1);
    }
  });
  const base = { kind: 'http', url: DATABASE_URL, schema: store.schema, ttl: LEASE_TTL_MS, sandbox: sandbox.url };
  const workers: Array<ReturnType<typeof startWorker>> = [];
  try {
    const b = startWorker({ ...base, rate: LIMIT, mode: 'publish', id: 'routine', topics: ['eventi'], instance: 'B' });
    workers.push(b);
    await until('the routine run', () => sandbox.arrivals.length >= headStart);
    const a = startWorker({
      ...base,
      rate: LIMIT,
      mode: 'publish',
      id: 'allerta',
      topics: ['protezione-civile'],
      severity: 'extreme',
      instance: 'A',
    });
    workers.push(a);
    const { lines } = a;
    await until('the emergency', () => emergencyAt.length >= EMERGENCY);
    await until('the publish times', () => lines.some((line) => line.type === 'published'));
    const published = lines.find((line) => line.type === 'published') as { calledAt: number; returnedAt: number };
    // A's handle follows the run from the ledger: it finishes when B has delivered the emergency.
    let watched: Awaited<typeof a.report>;
    let endedAt = 0;
    void a.report.then((report) => {
      watched = report;
      endedAt = performance.timeOrigin + performance.now();
    });
    await until("A's handle of the emergency", () => endedAt > 0);
    const first = Math.min(...emergencyAt);
    const last = Math.max(...emergencyAt);
    return {
      firstMs: first - published.calledAt,
      firstAfterReturnMs: first - published.returnedAt,
      allMs: last - published.calledAt,
      maxWindow: maxInAnySecond(arrivals),
      refused,
      senders,
      watchedSent: watched?.sent,
      watchedLagMs: endedAt - last,
    };
  } finally {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await Promise.all(workers.map((worker) => worker.report));
    await sandbox.close();
    await store.drop();
  }
}

/**
 * Runs the cross-worker emergency figures.
 *
 * @param options - `scale` (0..1] shrinks the routine audience; `onFigure` receives each figure.
 */
export async function runPreemptBench(options: { scale: number; onFigure: (figure: Figure) => void }): Promise<void> {
  const unavailable = await postgresUnavailable();
  if (unavailable !== undefined) {
    note(`skipped: no PostgreSQL (${unavailable})`);
    return;
  }
  const routine = Math.max(2_000, Math.round(20_000 * options.scale));
  const random = seededRandom(SEED);
  const trials: Trial[] = [];
  for (let index = 1; index <= RUNS; index++) {
    const headStart = HEAD_START + Math.floor(random() * 40);
    const result = await trial(index, routine, headStart);
    trials.push(result);
    const sentBy = [...result.senders].map(([worker, sent]) => `${worker} ${sent}`).join(', ');
    note(
      `run ${index} (after ${headStart} routine messages): first emergency delivery ${result.firstMs.toFixed(0)} ms after A called publish ` +
        `(${result.firstAfterReturnMs.toFixed(0)} ms after it returned), all ${EMERGENCY} by ${result.allMs.toFixed(0)} ms; ` +
        `sent by ${sentBy}; A's handle reported ${result.watchedSent ?? '?'} sent ${result.watchedLagMs.toFixed(0)} ms after the last; ` +
        `max ${result.maxWindow} requests in a sliding second (limit ${LIMIT}), ${result.refused} refused`,
    );
  }
  const first = median(trials.map((t) => t.firstMs));
  const maxWindow = Math.max(...trials.map((t) => t.maxWindow));
  const byPublisher = trials.reduce((sum, t) => sum + (t.senders.get('A') ?? 0), 0);
  note(
    `routine run to ${routine} citizens at ${LIMIT}/s on worker B; emergency to ${EMERGENCY} published on worker A; seed ${SEED}`,
  );
  options.onFigure({
    name: 'workers_emergency_first_delivery_ms',
    value: Math.round(first),
    unit: 'ms',
    target: '< 1000',
    pass: first < 1000,
  });
  options.onFigure({
    name: 'workers_emergency_all_delivered_ms',
    value: Math.round(median(trials.map((t) => t.allMs))),
    unit: 'ms',
  });
  options.onFigure({
    name: 'workers_emergency_max_window',
    value: maxWindow,
    unit: 'requests',
    target: `<= ${LIMIT}`,
    pass: maxWindow <= LIMIT,
  });
  options.onFigure({
    name: 'workers_emergency_sent_by_publisher',
    value: byPublisher,
    unit: 'msgs',
    target: '0',
    pass: byPublisher === 0,
  });
}
