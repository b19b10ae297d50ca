import { fork, type ChildProcess } from 'node:child_process';

/** The most helper processes the demo starts. */
const MAX_WORKERS = 8;

/**
 * Reads `--workers=N` (1 to 8; default 1): how many broadcaster processes share the demo's store.
 *
 * @param args - The command-line arguments.
 * @throws Error with a one-line explanation when N is not a whole number from 1 to 8.
 */
export function parseWorkers(args: readonly string[]): number {
  const value = args.find((arg) => arg.startsWith('--workers='))?.slice('--workers='.length);
  if (value === undefined) return 1;
  const workers = Number(value);
  if (!/^\d+$/.test(value) || workers < 1 || workers > MAX_WORKERS) {
    throw new Error(`--workers must be a whole number from 1 to ${MAX_WORKERS}, not "${value.slice(0, 20)}"`);
  }
  return workers;
}

/** What a helper worker needs to deliver Web Push beside the demo: its store and the channel's settings. */
export interface WorkerConfig {
  /** `DATABASE_URL`, or absent for the SQLite file. */
  databaseUrl?: string;
  sqlitePath: string;
  /** The Web Push channel's VAPID keys and the sandbox's origin (sent over IPC, never on the command line). */
  vapid: { publicKey: string; privateKey: string; subject: string };
  pushServiceOrigin: string;
}

/** What a helper worker reports when the broadcasts are over. */
export interface WorkerReport {
  instance: string;
  /** Web Push messages this worker sent. */
  sent: number;
}

/** Helper workers started for one demo run. */
export interface Helpers {
  /** Resolves once every helper stands by for runs. */
  ready: Promise<void>;
  /** Each helper's report, once the runs they followed are over. */
  reports: Promise<WorkerReport[]>;
  stop(): void;
}

/**
 * Starts `count` helper processes (`worker.js`, next to this file): each opens the same store,
 * configures the Web Push channel (no per-account limit, so every worker may send a run's
 * messages) and stands by for the demo's runs through `resume()`, helping to deliver them.
 *
 * @param count - How many helpers.
 * @param config - Their store and channel settings.
 */
export function startHelpers(count: number, config: WorkerConfig): Helpers {
  const children: ChildProcess[] = [];
  const ready: Promise<void>[] = [];
  const reports: Promise<WorkerReport | undefined>[] = [];
  for (let index = 0; index < count; index++) {
    const instance = `worker-${index + 2}`;
    const child = fork(new URL('./worker.js', import.meta.url), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    children.push(child);
    ready.push(new Promise((resolve) => child.once('message', () => resolve())));
    reports.push(
      new Promise((resolve) => {
        child.on('message', (message: { type?: string } & Partial<WorkerReport>) => {
          if (message.type === 'report') resolve({ instance, sent: message.sent ?? 0 });
        });
        child.once('exit', () => resolve(undefined));
      }),
    );
    child.send({ ...config, instance });
  }
  return {
    ready: Promise.all(ready).then(() => undefined),
    reports: Promise.all(reports).then((all) => all.filter((report) => report !== undefined)),
    stop() {
      for (const child of children) if (child.exitCode === null) child.kill();
    },
  };
}
