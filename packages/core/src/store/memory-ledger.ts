import type { DeliveryStatus } from './run-store.js';

/** Status codes stored in a byte per delivery. */
export const STATUS_CODES: readonly DeliveryStatus[] = [
  'pending',
  'claimed',
  'sent',
  'failed',
  'dropped',
  'cancelled',
  'expired',
];
const CODE_OF = new Map(STATUS_CODES.map((status, index) => [status, index]));
const PENDING = 0;
const CLAIMED = 1;

/** The status byte of a delivery status. */
export function statusCode(status: DeliveryStatus): number {
  return CODE_OF.get(status)!;
}

/**
 * The delivery ledger of one channel of one run, in typed arrays (about 8 bytes per delivery)
 * so a million-recipient run stays small. Deliveries are addressed by their index.
 */
export class MemoryLedger {
  #subscribers = new Int32Array(1024);
  #status = new Uint8Array(1024);
  #attempts = new Uint8Array(1024);
  #ambiguous = new Uint8Array(1024);
  #length = 0;
  /** Every index below this is not pending, except those in #requeued. */
  #pendingFrom = 0;
  #requeued: number[] = [];
  /** Present only once subscribers were appended out of ascending order. */
  #index: Map<number, number> | undefined;
  readonly counts = new Array<number>(STATUS_CODES.length).fill(0);
  readonly codes = new Map<number, string>();
  /** Provider message ids of sent deliveries, by index (for follow-ups). */
  readonly messageIds = new Map<number, string>();
  ambiguousCount = 0;

  get length(): number {
    return this.#length;
  }

  /** Appends a delivery for `subscriber` unless one exists. Returns whether it was added. */
  append(subscriber: number): boolean {
    if (this.#has(subscriber)) return false;
    if (this.#length === this.#subscribers.length) this.#grow();
    const last = this.#length === 0 ? -1 : this.#subscribers[this.#length - 1]!;
    if (this.#index === undefined && subscriber < last) {
      this.#index = new Map();
      for (let i = 0; i < this.#length; i++) this.#index.set(this.#subscribers[i]!, i);
    }
    this.#index?.set(subscriber, this.#length);
    this.#subscribers[this.#length] = subscriber;
    this.#status[this.#length] = PENDING;
    this.#length++;
    this.counts[PENDING]!++;
    return true;
  }

  /** Claims up to `limit` pending deliveries; returns their indices. */
  claim(limit: number): number[] {
    const claimed: number[] = [];
    while (claimed.length < limit && this.#requeued.length > 0) {
      const index = this.#requeued.pop()!;
      if (this.#status[index] === PENDING) claimed.push(index);
    }
    while (claimed.length < limit && this.#pendingFrom < this.#length) {
      const index = this.#pendingFrom++;
      if (this.#status[index] === PENDING) claimed.push(index);
    }
    for (const index of claimed) this.#setStatus(index, CLAIMED);
    return claimed;
  }

  subscriberAt(index: number): number {
    return this.#subscribers[index]!;
  }

  attemptsAt(index: number): number {
    return this.#attempts[index]!;
  }

  statusAt(index: number): DeliveryStatus {
    return STATUS_CODES[this.#status[index]!]!;
  }

  /** Writes a final outcome. Ignored when the index is unknown or already final. */
  record(
    index: number,
    status: DeliveryStatus,
    attempts: number,
    code: string | undefined,
    providerMessageId?: string,
  ): void {
    if (index < 0 || index >= this.#length) return;
    const current = this.#status[index]!;
    if (current !== PENDING && current !== CLAIMED) return;
    this.#setStatus(index, statusCode(status));
    this.#attempts[index] = Math.min(255, attempts);
    if (code !== undefined) this.codes.set(index, code);
    if (providerMessageId !== undefined && status === 'sent') this.messageIds.set(index, providerMessageId);
  }

  /** Calls `each` with the subscriber position and index of every `sent` delivery. */
  forEachSent(each: (subscriber: number, index: number) => void): void {
    const sent = statusCode('sent');
    for (let index = 0; index < this.#length; index++)
      if (this.#status[index] === sent) each(this.#subscribers[index]!, index);
  }

  /** Returns claimed deliveries to pending; all of them when `indices` is omitted. */
  release(indices: Iterable<number> | undefined, ambiguous: boolean): number {
    let moved = 0;
    const each = (index: number): void => {
      if (this.#status[index] !== CLAIMED) return;
      this.#setStatus(index, PENDING);
      this.#requeued.push(index);
      if (ambiguous && this.#ambiguous[index] === 0) {
        this.#ambiguous[index] = 1;
        this.ambiguousCount++;
      }
      moved++;
    };
    if (indices === undefined) {
      for (let index = 0; index < this.#pendingFrom; index++) each(index);
    } else {
      for (const index of indices) if (index >= 0 && index < this.#length) each(index);
    }
    return moved;
  }

  /** Gives every pending delivery a final status and code. */
  closePending(status: DeliveryStatus, code: string): number {
    let closed = 0;
    for (let index = 0; index < this.#length; index++) {
      if (this.#status[index] !== PENDING) continue;
      this.#setStatus(index, statusCode(status));
      this.codes.set(index, code);
      closed++;
    }
    this.#requeued.length = 0;
    return closed;
  }

  #setStatus(index: number, code: number): void {
    this.counts[this.#status[index]!]!--;
    this.#status[index] = code;
    this.counts[code]!++;
  }

  #has(subscriber: number): boolean {
    if (this.#index !== undefined) return this.#index.has(subscriber);
    // Ascending so far: binary search.
    let low = 0;
    let high = this.#length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.#subscribers[middle]!;
      if (value === subscriber) return true;
      if (value < subscriber) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }

  #grow(): void {
    const size = this.#subscribers.length * 2;
    const grow = <T extends Int32Array | Uint8Array>(array: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(array);
      return next;
    };
    this.#subscribers = grow(this.#subscribers, (n) => new Int32Array(n));
    this.#status = grow(this.#status, (n) => new Uint8Array(n));
    this.#attempts = grow(this.#attempts, (n) => new Uint8Array(n));
    this.#ambiguous = grow(this.#ambiguous, (n) => new Uint8Array(n));
  }
}
