import * as crypto from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createEceKernel } from './ece-kernel.js';
import type { SubscriberKeys } from './ece.js';
import { encryptionWorkerMain, KEY_BYTES, type EncryptAnswer, type EncryptBatch } from './encryption-worker.js';

/** Encrypts Web Push bodies off the main thread. */
export interface EncryptionPool {
  /**
   * Encrypts one message for one subscriber. Rejects with {@link UnusableKeyError} when `p256dh`
   * is not a P-256 point, with an `AbortError` when `signal` aborts before a worker took the job,
   * and with {@link PoolBrokenError} when the worker died (the caller may encrypt inline).
   */
  encrypt(keys: SubscriberKeys, plaintext: Uint8Array, signal?: AbortSignal): Promise<Buffer>;
  /** Threads the pool runs on (0: the calling thread). */
  readonly threads: number;
  /** Stops the workers; queued jobs reject with {@link PoolBrokenError}. */
  close(): Promise<void>;
}

/** The subscriber's `p256dh` is not a point on P-256. */
export class UnusableKeyError extends Error {
  override name = 'UnusableKeyError';
}

/** The worker that held the job exited or the pool was closed. */
export class PoolBrokenError extends Error {
  override name = 'PoolBrokenError';
}

/**
 * Largest batch one worker gets at a time. Batching keeps the message-passing cost (~20 µs a
 * round trip) off each message, small enough that one batch is a few ms of work, so an emergency
 * never waits long behind it.
 */
const MAX_BATCH = 32;
/** Batches a worker holds at once: one running, one waiting, so it never idles between answers. */
const BATCHES_PER_WORKER = 2;

/**
 * The default thread count: every core, at most 4; none on a one-core machine (inline is cheaper).
 *
 * @returns Threads for {@link createEncryptionPool}.
 */
export function defaultEncryptionThreads(): number {
  const cores = availableParallelism();
  return cores > 1 ? Math.min(cores, 4) : 0;
}

interface Job {
  keys: SubscriberKeys;
  plaintext: Uint8Array;
  signal: AbortSignal | undefined;
  resolve: (body: Buffer) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  batches: Map<number, Job[]>;
  jobs: number;
}

/**
 * The worker's code: the kernel and the message loop, from their own source text (see
 * `createEceKernel`), so nothing has to be resolved on disk from a bundled or transpiled package.
 * `__name` covers transpilers that wrap functions to keep their names.
 */
const WORKER_SOURCE = [
  'var __name = (target) => target;',
  `const kernel = (${createEceKernel.toString()})(process.getBuiltinModule('node:crypto'));`,
  `(${encryptionWorkerMain.toString()})(kernel, process.getBuiltinModule('node:worker_threads').parentPort);`,
].join('\n');

/**
 * Creates a pool of worker threads for RFC 8291 encryption. Jobs queue on the main thread and go
 * out in batches (up to {@link MAX_BATCH}, two per worker) to the least-loaded worker; a job
 * whose signal aborts while queued is never encrypted. Workers start on first use and are
 * unref'd while idle, so an idle pool never keeps the process alive.
 *
 * The Web Push channel makes one itself (`encryptionThreads`); use this directly only to
 * encrypt for a sender of your own.
 *
 * @param threads - Worker threads; 0 encrypts on the calling thread.
 * @returns The pool.
 * @example
 * ```ts
 * const pool = createEncryptionPool(2)
 * const body = await pool.encrypt({ p256dh, auth }, Buffer.from('{"title":"Allerta"}'))
 * await pool.close()
 * ```
 */
export function createEncryptionPool(threads: number): EncryptionPool {
  if (threads === 0) return inlinePool();
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextBatch = 0;
  let scheduled = false;
  let closed = false;

  const spawn = (): Slot => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], env: {}, stdout: false, stderr: false });
    const slot: Slot = { worker, batches: new Map(), jobs: 0 };
    worker.unref();
    worker.on('message', (answer: EncryptAnswer) => settle(slot, answer));
    const broken = (): void => {
      const index = slots.indexOf(slot);
      if (index >= 0) slots.splice(index, 1);
      for (const jobs of slot.batches.values())
        for (const job of jobs) job.reject(new PoolBrokenError('The encryption worker stopped'));
      slot.batches.clear();
      schedule();
    };
    worker.once('error', broken);
    worker.once('exit', broken);
    slots.push(slot);
    return slot;
  };

  const settle = (slot: Slot, answer: EncryptAnswer): void => {
    const jobs = slot.batches.get(answer.id);
    if (!jobs) return;
    slot.batches.delete(answer.id);
    slot.jobs -= jobs.length;
    if (slot.batches.size === 0) slot.worker.unref();
    let at = 0;
    for (let index = 0; index < jobs.length; index++) {
      const length = answer.lengths[index]!;
      if (length < 0) {
        jobs[index]!.reject(new UnusableKeyError('The push subscription key is not a P-256 point'));
        continue;
      }
      jobs[index]!.resolve(Buffer.from(answer.bodies.buffer, answer.bodies.byteOffset + at, length));
      at += length;
    }
    flush();
  };

  const dispatch = (slot: Slot, jobs: Job[]): void => {
    const keys = new Uint8Array(jobs.length * KEY_BYTES);
    const which = new Uint16Array(jobs.length);
    const plaintexts: Uint8Array[] = [];
    const indexOf = new Map<Uint8Array, number>();
    jobs.forEach((job, index) => {
      keys.set(job.keys.p256dh.subarray(0, 65), index * KEY_BYTES);
      keys.set(job.keys.auth.subarray(0, 16), index * KEY_BYTES + 65);
      let plaintext = indexOf.get(job.plaintext);
      if (plaintext === undefined) {
        plaintext = plaintexts.push(job.plaintext) - 1;
        indexOf.set(job.plaintext, plaintext);
      }
      which[index] = plaintext;
    });
    const id = nextBatch++;
    slot.batches.set(id, jobs);
    slot.jobs += jobs.length;
    slot.worker.ref();
    const batch: EncryptBatch = { id, keys, plaintexts, which };
    slot.worker.postMessage(batch, [keys.buffer]);
  };

  const flush = (): void => {
    scheduled = false;
    while (queue.length > 0) {
      while (slots.length < threads) spawn();
      const open = slots.filter((slot) => slot.batches.size < BATCHES_PER_WORKER);
      if (open.length === 0) return;
      const slot = open.reduce((best, candidate) => (candidate.jobs < best.jobs ? candidate : best));
      const size = Math.min(MAX_BATCH, Math.ceil(queue.length / open.length));
      const jobs: Job[] = [];
      while (jobs.length < size && queue.length > 0) {
        const job = queue.shift()!;
        if (job.signal?.aborted) job.reject(abortError());
        else jobs.push(job);
      }
      if (jobs.length > 0) dispatch(slot, jobs);
    }
  };

  // Sends started in one turn of the event loop (a lane granting several at once) share a batch.
  const schedule = (): void => {
    if (scheduled || closed) return;
    scheduled = true;
    queueMicrotask(flush);
  };

  return {
    threads,
    encrypt(keys, plaintext, signal) {
      if (closed) return Promise.reject(new PoolBrokenError('The encryption pool is closed'));
      if (signal?.aborted) return Promise.reject(abortError());
      return new Promise<Buffer>((resolve, reject) => {
        queue.push({ keys, plaintext, signal, resolve, reject });
        schedule();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new PoolBrokenError('The encryption pool is closed'));
      await Promise.all(slots.splice(0).map((slot) => slot.worker.terminate()));
    },
  };
}

function inlinePool(): EncryptionPool {
  const kernel = createEceKernel(crypto);
  return {
    threads: 0,
    encrypt(keys, plaintext, signal) {
      if (signal?.aborted) return Promise.reject(abortError());
      try {
        return Promise.resolve(kernel.encrypt(keys.p256dh, keys.auth, plaintext));
      } catch {
        return Promise.reject(new UnusableKeyError('The push subscription key is not a P-256 point'));
      }
    },
    close: () => Promise.resolve(),
  };
}

function abortError(): Error {
  return new DOMException('The send was aborted', 'AbortError');
}
