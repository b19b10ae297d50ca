import { createECDH, randomBytes } from 'node:crypto';
import { encryptPushPayload } from '@banditore/channel-push';
import { median, note, type Figure } from './figures.js';

/** Distinct subscriptions cycled through, so no key is unusually warm in a cache. */
const SUBSCRIPTIONS = 64;
/** A typical alert payload: title, a few paragraphs, url, tag. */
const PAYLOAD_BYTES = 1024;

/**
 * `push_encrypt_per_s_1core`: RFC 8291 encryptions per second on the main thread (fresh
 * ephemeral key, ECDH, key schedule, AES-GCM of a 1 KB payload), the median of 5 timed windows.
 * This is the ceiling of Web Push deliveries per core before any HTTP.
 */
export async function runPushBench(options: { scale: number; onFigure: (figure: Figure) => void }): Promise<void> {
  const windowMs = Math.max(200, Math.round(1500 * options.scale));
  const subscriptions = Array.from({ length: SUBSCRIPTIONS }, () => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    return { p256dh: ecdh.getPublicKey(), auth: randomBytes(16) };
  });
  const payload = randomBytes(PAYLOAD_BYTES);
  const window = (ms: number): number => {
    let count = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      for (let batch = 0; batch < 16; batch++) encryptPushPayload(subscriptions[count++ % SUBSCRIPTIONS]!, payload);
    }
    return count / (ms / 1000);
  };
  window(Math.min(300, windowMs)); // warm-up (JIT)
  const rates: number[] = [];
  for (let round = 0; round < 5; round++) {
    rates.push(window(windowMs));
    note(`window ${round + 1}: ${Math.round(rates.at(-1)!)} encryptions/s`);
    // Let timers and I/O of the rest of the process run between windows.
    await new Promise((resolve) => setImmediate(resolve));
  }
  options.onFigure({ name: 'push_encrypt_per_s_1core', value: Math.round(median(rates)), unit: 'msgs/s' });
}
