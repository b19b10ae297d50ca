import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
// Inside the package's node_modules, so the bundle resolves better-sqlite3, undici and zod.
const outDir = resolve(here, '../../node_modules/.cache/banditore-channel-whatsapp-tests');

/**
 * Bundles a TypeScript entry in this folder into one ES module a plain `node` can run. The
 * channel's own source and the built core and SQLite store are bundled in (so the child keeps
 * working even if they are rebuilt while the tests run); the native addon and third-party
 * packages stay external and resolve from node_modules, as they would in a user's process.
 *
 * @param entry - File name in `src/test/`, e.g. `crash-child.ts`.
 * @returns The path of the runnable `.mjs` and a function that deletes it.
 */
export async function bundleChild(entry: string): Promise<{ file: string; remove: () => Promise<void> }> {
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, `${entry.replace(/\.ts$/, '')}-${process.pid}-${Date.now()}.mjs`);
  await build({
    entryPoints: [join(here, entry)],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'undici', 'zod', 'ajv', 'libphonenumber-js', 'csv-parse', 'vitest'],
    logLevel: 'silent',
  });
  return { file, remove: () => rm(file, { force: true }) };
}

/** A running child that speaks one JSON object per stdout line. */
export interface JsonChild {
  process: ChildProcess;
  /** Every message received so far. */
  messages: Record<string, unknown>[];
  /** Resolves with the first message of `type`. */
  waitFor(type: string): Promise<Record<string, unknown>>;
  /** Writes one line to the child's stdin. */
  send(line: string): void;
  /** Resolves when the process exits, with its code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/**
 * Starts `node file ...args` and parses its stdout as JSON lines.
 *
 * @param file - A bundled child from {@link bundleChild}.
 * @param args - Command-line arguments.
 * @returns The child.
 */
export function startJsonChild(file: string, args: readonly string[]): JsonChild {
  const child = spawn(process.execPath, [file, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const messages: Record<string, unknown>[] = [];
  const waiters: { type: string; resolve: (message: Record<string, unknown>) => void }[] = [];
  let pending = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
      if (!line) continue;
      const message = JSON.parse(line) as Record<string, unknown>;
      messages.push(message);
      for (const waiter of waiters.filter((w) => w.type === message.type)) waiter.resolve(message);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((done) => {
    child.on('close', (code, signal) => done({ code, signal, stderr }));
  });
  return {
    process: child,
    messages,
    exited,
    send(line) {
      child.stdin.write(`${line}\n`);
    },
    waitFor(type) {
      const found = messages.find((message) => message.type === type);
      if (found) return Promise.resolve(found);
      return new Promise((resolveMessage, reject) => {
        waiters.push({ type, resolve: resolveMessage });
        void exited.then(({ code, signal, stderr: errors }) =>
          reject(new Error(`child exited (${code ?? signal}) before "${type}":\n${errors}`)),
        );
      });
    },
  };
}
