import type { DeliveryOutcome, RunStore } from '../store/run-store.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { safeErrorCode } from './store-error.js';

/** Options of {@link createOutcomeWriter}. */
export interface OutcomeWriterOptions {
  store: RunStore;
  clock: Clock;
  /** Rows per write. @defaultValue 1000 */
  batchSize?: number;
  /** Longest a row waits before it is written, in ms. @defaultValue 100 */
  maxDelayMs?: number;
  /**
   * Rows held before the writer counts as full: senders hold back until the store takes rows
   * again, so a store that keeps failing stops the sending instead of growing memory.
   * @defaultValue 10 × batchSize
   */
  maxBuffered?: number;
  /** Longest wait between retries of a failed write, in ms (backoff from 100 ms). @defaultValue 5000 */
  maxRetryDelayMs?: number;
  /** Told when a write fails; the rows are kept and retried on a timer. */
  onError: (error: unknown) => void;
  /** Told when the store took rows after failures, or after the writer was full (senders may go on). */
  onRecovered?: () => void;
}

/** What a writer could not store. */
export interface UnwrittenOutcomes {
  /** Rows still buffered. */
  count: number;
  /** Their runs. */
  runIds: string[];
  /** The safe code of the last write error (`SQLITE_FULL`), if it had one. */
  errorCode: string | undefined;
}

/** Buffers delivery outcomes and writes them in batches. */
export interface OutcomeWriter {
  add(outcome: DeliveryOutcome): void;
  /** Writes everything buffered so far; resolves when it is stored or the write failed. */
  flush(): Promise<void>;
  /** Rows not yet stored (buffered or being written). */
  readonly buffered: number;
  /** Whether the last write failed and rows are waiting for a retry. */
  readonly stalled: boolean;
  /** Whether so many rows wait that senders should hold back. */
  readonly full: boolean;
  /** What is still unwritten (after a final `flush()`, what close must report). */
  unwritten(): UnwrittenOutcomes;
  /** Stops the retry timer. */
  close(): void;
}

/**
 * Creates the batched ledger writer. Committing a row per delivery costs ~29 µs in SQLite and
 * halves throughput (measured 0.53 of raw); 1,000 rows per transaction cost ~2 µs each. Only
 * one write runs at a time, so the ledger sees outcomes in order. A failed write keeps its rows
 * (losing an outcome would resend or miscount on resume) and retries them with backoff; while
 * the buffer is over its bound the writer is `full` and senders hold back.
 *
 * @param options - Store, clock, batching, bound and error hooks.
 * @returns The writer.
 */
export function createOutcomeWriter(options: OutcomeWriterOptions): OutcomeWriter {
  const batchSize = options.batchSize ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 100;
  const maxBuffered = options.maxBuffered ?? batchSize * 10;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
  let buffer: DeliveryOutcome[] = [];
  /** Rows handed to a write that has not finished yet (still unstored, still memory). */
  let writing = 0;
  let timer: TimerHandle | undefined;
  let chain: Promise<void> = Promise.resolve();
  let failures = 0;
  let lastCode: string | undefined;
  let closed = false;

  const arm = (ms: number): void => {
    if (closed) return;
    timer ??= options.clock.setTimeout(() => {
      timer = undefined;
      void write();
    }, ms);
  };

  const write = (): Promise<void> => {
    if (timer !== undefined) {
      options.clock.clearTimeout(timer);
      timer = undefined;
    }
    if (buffer.length === 0) return chain;
    const rows = buffer;
    buffer = [];
    writing += rows.length;
    chain = chain.then(async () => {
      // Senders held back while full: whoever empties the buffer must wake them.
      const heldBack = failures > 0 || writing + buffer.length >= maxBuffered;
      try {
        await options.store.recordOutcomes(rows);
        writing -= rows.length;
        failures = 0;
        lastCode = undefined;
        if (heldBack) options.onRecovered?.();
      } catch (error) {
        writing -= rows.length;
        buffer = rows.concat(buffer);
        failures++;
        lastCode = safeErrorCode(error);
        options.onError(error);
        arm(Math.min(maxRetryDelayMs, 100 * 2 ** (failures - 1)));
      }
    });
    return chain;
  };

  return {
    add(outcome) {
      buffer.push(outcome);
      // While the store fails, the retry timer decides when to write: no write per row.
      if (failures > 0) return;
      if (buffer.length >= batchSize) void write();
      else arm(maxDelayMs);
    },
    async flush() {
      await write();
      // A failed write put rows back; try those once more so callers see them stored if possible.
      if (buffer.length > 0) await write();
    },
    get buffered() {
      return buffer.length + writing;
    },
    get stalled() {
      return failures > 0;
    },
    get full() {
      return buffer.length + writing >= maxBuffered;
    },
    unwritten() {
      return { count: buffer.length, runIds: [...new Set(buffer.map((row) => row.runId))], errorCode: lastCode };
    },
    close() {
      closed = true;
      if (timer !== undefined) options.clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
