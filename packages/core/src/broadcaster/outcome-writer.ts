import type { DeliveryOutcome, RunStore } from '../store/run-store.js';
import type { Clock, TimerHandle } from '../util/clock.js';

/** Options of {@link createOutcomeWriter}. */
export interface OutcomeWriterOptions {
  store: RunStore;
  clock: Clock;
  /** Rows per write. @defaultValue 1000 */
  batchSize?: number;
  /** Longest a row waits before it is written, in ms. @defaultValue 100 */
  maxDelayMs?: number;
  /** Told when a write fails; the rows are kept and written with the next batch. */
  onError: (error: unknown) => void;
}

/** Buffers delivery outcomes and writes them in batches. */
export interface OutcomeWriter {
  add(outcome: DeliveryOutcome): void;
  /** Writes everything buffered so far; resolves when it is stored. */
  flush(): Promise<void>;
  /** Rows not yet stored. */
  readonly buffered: number;
}

/**
 * Creates the batched ledger writer. Committing a row per delivery costs ~29 µs in SQLite and
 * halves throughput (measured 0.53 of raw); 1,000 rows per transaction cost ~2 µs each. Only
 * one write runs at a time, so the ledger sees outcomes in order.
 *
 * @param options - Store, clock and batching.
 * @returns The writer.
 */
export function createOutcomeWriter(options: OutcomeWriterOptions): OutcomeWriter {
  const batchSize = options.batchSize ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 100;
  let buffer: DeliveryOutcome[] = [];
  let timer: TimerHandle | undefined;
  let chain: Promise<void> = Promise.resolve();

  const write = (): Promise<void> => {
    if (timer !== undefined) {
      options.clock.clearTimeout(timer);
      timer = undefined;
    }
    if (buffer.length === 0) return chain;
    const rows = buffer;
    buffer = [];
    chain = chain.then(async () => {
      try {
        await options.store.recordOutcomes(rows);
      } catch (error) {
        // Keep the rows: losing an outcome would resend or miscount on resume.
        buffer = rows.concat(buffer);
        options.onError(error);
      }
    });
    return chain;
  };

  return {
    add(outcome) {
      buffer.push(outcome);
      if (buffer.length >= batchSize) void write();
      else timer ??= options.clock.setTimeout(() => void write(), maxDelayMs);
    },
    async flush() {
      await write();
      // A failed write put rows back; try those once more so callers see them stored if possible.
      if (buffer.length > 0) await write();
    },
    get buffered() {
      return buffer.length;
    },
  };
}
