import type { EceKernel } from './ece-kernel.js';

/** Bytes per job in a batch's key table: `p256dh` (65) then `auth` (16). */
export const KEY_BYTES = 81;

/** A batch of encryptions posted to a worker; `keys` is transferred. */
export interface EncryptBatch {
  id: number;
  /** {@link KEY_BYTES} per job. */
  keys: Uint8Array;
  /** The distinct plaintexts of the batch (one per rendered language, usually one). */
  plaintexts: Uint8Array[];
  /** Per job, the index of its plaintext. */
  which: Uint16Array;
}

/** A worker's answer: the bodies back to back, and each one's length (-1: the key was unusable). */
export interface EncryptAnswer {
  id: number;
  bodies: Uint8Array;
  lengths: Int32Array;
}

/** The part of `MessagePort` the worker uses. */
export interface WorkerPort {
  on(event: 'message', listener: (batch: EncryptBatch) => void): unknown;
  postMessage(answer: EncryptAnswer, transfer: ArrayBuffer[]): void;
}

/**
 * The encryption worker's message loop: encrypts each batch with the kernel and answers with one
 * transferred buffer. Like `createEceKernel`, this function must stay self-contained: its source
 * text runs inside the worker (`encryption-pool.ts` assembles the two).
 *
 * @param kernel - The RFC 8291 kernel made in the worker.
 * @param port - The worker's `parentPort`.
 */
export function encryptionWorkerMain(kernel: EceKernel, port: WorkerPort): void {
  port.on('message', (batch) => {
    const count = batch.which.length;
    const lengths = new Int32Array(count);
    const bodies: Buffer[] = [];
    let total = 0;
    for (let index = 0; index < count; index++) {
      const offset = index * 81;
      try {
        const body = kernel.encrypt(
          batch.keys.subarray(offset, offset + 65),
          batch.keys.subarray(offset + 65, offset + 81),
          batch.plaintexts[batch.which[index]!]!,
        );
        bodies.push(body);
        lengths[index] = body.length;
        total += body.length;
      } catch {
        lengths[index] = -1;
      }
    }
    // A fresh buffer of our own: Buffer.concat may hand out a slice of the shared pool, which
    // cannot be transferred.
    const out = new Uint8Array(total);
    let at = 0;
    for (const body of bodies) {
      out.set(body, at);
      at += body.length;
    }
    port.postMessage({ id: batch.id, bodies: out, lengths }, [out.buffer, lengths.buffer]);
  });
}
