/**
 * The Web Push figures of `npm run bench`:
 *
 * - `push_encrypt_per_s_1core`: RFC 8291 encryptions per second on the main thread (fresh
 *   ephemeral key, ECDH, key schedule, AES-GCM of a 1 KB payload).
 * - `push_encrypt_per_s_all_cores`: the same through the channel's worker-thread pool (every
 *   core, 512 jobs in flight), in windows interleaved with the single-core ones; with
 *   `push_encrypt_all_cores_speedup`, their ratio (target ≥ 1.5 on 2 cores).
 * - `push_12k_seconds`: 12,000 subscriptions through the broadcaster and the Web Push channel to
 *   the sandbox push service in its own process, which checks every VAPID token and decrypts
 *   every body, limits off; beside it `push_12k_seconds_main_thread` (encryption on the main
 *   thread), run in alternation with it.
 * - `push_overhead_ratio`: with limits off and a sandbox that does not decrypt, deliveries/s
 *   through channel + broadcaster over a bare loop doing the same work (64 async workers, encrypt
 *   on the same kind of worker-thread pool, then POST on an undici Pool) to the same sandbox,
 *   median of interleaved rounds; beside it `push_vs_main_thread_loop_ratio`, over a bare loop
 *   that encrypts on the main thread, as a hand-written Web Push sender does.
 */
import { spawn } from 'node:child_process';
import { createECDH, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPushChannel,
  createEncryptionPool,
  encryptPushPayload,
  generateVapidKeys,
  renderPushMessage,
} from '@banditore/channel-push';
import { announcementSchema, createBroadcaster, createMemoryStore, type Store } from '@banditore/core';
import { Pool } from 'undici';
import { median, note, type Figure } from './figures.js';

/** Distinct subscriptions cycled through, so no key is unusually warm in a cache. */
const SUBSCRIPTIONS = 64;
/** A typical alert payload: title, a few paragraphs, url, tag. */
const PAYLOAD_BYTES = 1024;
const RECIPIENTS = 12_000;
const PAIRS = 5;
const VAPID = { ...generateVapidKeys(), subject: 'mailto:urp@comune.jesi.an.it' };

/**
 * Runs the push benchmark section.
 *
 * @param options - `scale` shrinks the encryption windows and the overhead workload (the
 *   12,000-recipient run is the figure's definition); `onFigure` receives each figure.
 */
export async function runPushBench(options: { scale: number; onFigure: (figure: Figure) => void }): Promise<void> {
  // The all-cores figures need the other core free: say how busy the machine was.
  note(
    `load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores`,
  );
  await runEncryption(options.scale, options.onFigure);
  await runTwelveThousand(options.scale < 1 ? 1 : 3, options.onFigure);
  await runOverhead(Math.max(3_000, Math.round(20_000 * options.scale)), options.onFigure);
}

async function runEncryption(scale: number, onFigure: (figure: Figure) => void): Promise<void> {
  const windowMs = Math.max(400, Math.round(1500 * scale));
  const subscriptions = Array.from({ length: SUBSCRIPTIONS }, () => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    return { p256dh: ecdh.getPublicKey(), auth: randomBytes(16) };
  });
  const payload = randomBytes(PAYLOAD_BYTES);
  const single = (ms: number): number => {
    let count = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      for (let batch = 0; batch < 16; batch++) encryptPushPayload(subscriptions[count++ % SUBSCRIPTIONS]!, payload);
    }
    return count / (ms / 1000);
  };
  const pool = createEncryptionPool(Math.max(1, availableParallelism()));
  const pooled = async (ms: number): Promise<number> => {
    let count = 0;
    let running = true;
    const end = performance.now() + ms;
    const started = performance.now();
    const loop = async (offset: number): Promise<void> => {
      let index = offset;
      while (running) {
        await pool.encrypt(subscriptions[index++ % SUBSCRIPTIONS]!, payload);
        count++;
        if (performance.now() >= end) running = false;
      }
    };
    await Promise.all(Array.from({ length: 512 }, (_, offset) => loop(offset)));
    return count / ((performance.now() - started) / 1000);
  };
  try {
    single(Math.min(300, windowMs)); // warm-up (JIT)
    await pooled(Math.min(300, windowMs));
    const singles: number[] = [];
    const pools: number[] = [];
    for (let round = 0; round < 5; round++) {
      singles.push(single(windowMs));
      await new Promise((resolve) => setImmediate(resolve));
      pools.push(await pooled(windowMs));
      note(
        `window ${round + 1}: ${Math.round(singles.at(-1)!)}/s on the main thread, ${Math.round(pools.at(-1)!)}/s on ${pool.threads} worker threads`,
      );
    }
    const one = median(singles);
    const all = median(pools);
    const speedups = singles.map((rate, index) => pools[index]! / rate);
    onFigure({ name: 'push_encrypt_per_s_1core', value: Math.round(one), unit: 'msgs/s' });
    onFigure({ name: 'push_encrypt_per_s_all_cores', value: Math.round(all), unit: 'msgs/s' });
    const speedup = median(speedups);
    onFigure({
      name: 'push_encrypt_all_cores_speedup',
      value: round(speedup),
      unit: 'ratio',
      target: '>= 1.5',
      pass: speedup >= 1.5,
    });
  } finally {
    await pool.close();
  }
}

async function runTwelveThousand(rounds: number, onFigure: (figure: Figure) => void): Promise<void> {
  const sandbox = await startSandboxProcess({ decrypt: true, keepMessages: false }, RECIPIENTS);
  try {
    const store = createMemoryStore();
    await seed(store, sandbox.addresses);
    const run = async (id: string, encryptionThreads?: number): Promise<number> => {
      const channel = createPushChannel({
        vapid: VAPID,
        extraOrigins: [sandbox.url],
        limits: { ratePerSecond: Infinity, concurrency: 128 },
        ...(encryptionThreads === undefined ? {} : { encryptionThreads }),
      });
      const broadcaster = createBroadcaster({ store, channels: [channel] });
      try {
        const started = performance.now();
        const report = await (await broadcaster.publish(announcement(id))).done;
        const seconds = (performance.now() - started) / 1000;
        const sent = report.channels[0]?.sent ?? 0;
        if (sent !== RECIPIENTS) throw new Error(`the broadcast reached ${sent} of ${RECIPIENTS} subscriptions`);
        return seconds;
      } finally {
        await broadcaster.close();
        await channel.close?.();
      }
    };
    await run('push-warm-up', 0);
    const pooled: number[] = [];
    const inline: number[] = [];
    for (let round = 0; round < rounds; round++) {
      pooled.push(await run(`push-12k-${round}`));
      inline.push(await run(`push-12k-main-${round}`, 0));
      note(
        `12,000 subscriptions: ${pooled.at(-1)!.toFixed(2)} s with worker threads, ${inline.at(-1)!.toFixed(2)} s on the main thread`,
      );
    }
    const stats = await sandbox.stats();
    note(`sandbox: ${JSON.stringify(stats)}`);
    onFigure({ name: 'push_12k_seconds', value: round(median(pooled)), unit: 's' });
    onFigure({ name: 'push_12k_seconds_main_thread', value: round(median(inline)), unit: 's' });
  } finally {
    await sandbox.stop();
  }
}

async function runOverhead(total: number, onFigure: (figure: Figure) => void): Promise<void> {
  const sandbox = await startSandboxProcess({ decrypt: false, keepMessages: false }, total);
  const store = createMemoryStore();
  await seed(store, sandbox.addresses);
  const channel = createPushChannel({
    vapid: VAPID,
    extraOrigins: [sandbox.url],
    limits: { ratePerSecond: Infinity, concurrency: 64 },
    connectionsPerOrigin: 64,
  });
  const broadcaster = createBroadcaster({ store, channels: [channel] });
  const rendered = renderPushMessage(announcementSchema.parse(announcement('render')), 'it');
  try {
    const pool = createEncryptionPool(Math.max(1, availableParallelism()));
    const pooled = (keys: { p256dh: Buffer; auth: Buffer }, plaintext: Buffer) => pool.encrypt(keys, plaintext);
    const inline = (keys: { p256dh: Buffer; auth: Buffer }, plaintext: Buffer) =>
      Promise.resolve(encryptPushPayload(keys, plaintext));
    await bareLoop(sandbox.url, sandbox.addresses.slice(0, 2_000), rendered, pooled);
    await bareLoop(sandbox.url, sandbox.addresses.slice(0, 2_000), rendered, inline);
    await (
      await broadcaster.publish(announcement('push-warm-up'))
    ).done;
    const ratios: number[] = [];
    const inlineRatios: number[] = [];
    const bare: number[] = [];
    const ours: number[] = [];
    for (let pair = 0; pair < PAIRS; pair++) {
      const bareRate = await bareLoop(sandbox.url, sandbox.addresses, rendered, pooled);
      const inlineRate = await bareLoop(sandbox.url, sandbox.addresses, rendered, inline);
      const started = performance.now();
      const report = await (await broadcaster.publish(announcement(`push-overhead-${pair}`))).done;
      const rate = (report.channels[0]?.sent ?? 0) / ((performance.now() - started) / 1000);
      if (report.channels[0]?.sent !== total)
        throw new Error(`the broadcaster sent ${report.channels[0]?.sent} of ${total}`);
      bare.push(bareRate);
      ours.push(rate);
      ratios.push(rate / bareRate);
      inlineRatios.push(rate / inlineRate);
      note(
        `push round ${pair + 1}: bare loop with the pool ${Math.round(bareRate)}/s, bare loop on the main thread ${Math.round(inlineRate)}/s, channel + broadcaster ${Math.round(rate)}/s, ratio ${(rate / bareRate).toFixed(3)}`,
      );
    }
    await pool.close();
    const ratio = median(ratios);
    onFigure({ name: 'push_overhead_bare_per_s', value: Math.round(median(bare)), unit: 'req/s' });
    onFigure({ name: 'push_overhead_per_s', value: Math.round(median(ours)), unit: 'msg/s' });
    onFigure({ name: 'push_overhead_ratio', value: round(ratio), unit: 'ratio', target: '>= 0.8', pass: ratio >= 0.8 });
    onFigure({ name: 'push_vs_main_thread_loop_ratio', value: round(median(inlineRatios)), unit: 'ratio' });
  } finally {
    await broadcaster.close();
    await channel.close?.();
    await sandbox.stop();
  }
}

/**
 * 64 async workers over a 64-connection Pool: encrypt (with `encrypt`), then POST with the same
 * headers the channel sends and one cached VAPID header, as a hand-written sender would.
 */
async function bareLoop(
  url: string,
  addresses: readonly string[],
  rendered: ReturnType<typeof renderPushMessage>,
  encrypt: (keys: { p256dh: Buffer; auth: Buffer }, plaintext: Buffer) => Promise<Buffer>,
): Promise<number> {
  const origin = new URL(url).origin;
  const pool = new Pool(origin, { connections: 64, pipelining: 1 });
  const authorization = vapidHeader(origin);
  const targets = addresses.map((address) => {
    const subscription = JSON.parse(address) as { endpoint: string; keys: { p256dh: string; auth: string } };
    return {
      path: new URL(subscription.endpoint).pathname,
      p256dh: Buffer.from(subscription.keys.p256dh, 'base64url'),
      auth: Buffer.from(subscription.keys.auth, 'base64url'),
    };
  });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < targets.length) {
        const target = targets[next++]!;
        const response = await pool.request({
          origin,
          path: target.path,
          method: 'POST',
          headers: {
            ttl: '86400',
            urgency: rendered.urgency,
            topic: rendered.topic,
            'content-encoding': 'aes128gcm',
            'content-type': 'application/octet-stream',
            authorization,
          },
          body: await encrypt(target, rendered.plaintext),
        });
        await response.body.dump();
        if (response.statusCode !== 201) throw new Error(`the sandbox refused a bare request (${response.statusCode})`);
      }
    }),
  );
  const rate = targets.length / ((performance.now() - started) / 1000);
  await pool.close();
  return rate;
}

/** An RFC 8292 header for the sandbox's origin, signed once (ES256), as a caching sender sends it. */
function vapidHeader(audience: string): string {
  const pub = Buffer.from(VAPID.publicKey, 'base64url');
  const key = createPrivateKey({
    format: 'jwk',
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: VAPID.privateKey,
      x: pub.subarray(1, 33).toString('base64url'),
      y: pub.subarray(33).toString('base64url'),
    },
  });
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ typ: 'JWT', alg: 'ES256' })}.${encode({ aud: audience, exp: Math.floor(Date.now() / 1000) + 3600, sub: VAPID.subject })}`;
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return `vapid t=${input}.${signature}, k=${VAPID.publicKey}`;
}

/**
 * The sandbox push service in its own process (so it uses the other core), with `count` fake
 * subscriptions bound to the bench's VAPID key; their addresses come back through a file.
 */
async function startSandboxProcess(
  options: { decrypt: boolean; keepMessages: boolean },
  count: number,
): Promise<{ url: string; addresses: string[]; stats(): Promise<unknown>; stop(): Promise<void> }> {
  const file = join(tmpdir(), `banditore-push-bench-${process.pid}-${Date.now()}.json`);
  const code = [
    "const { writeFileSync } = await import('node:fs');",
    'const { createPushSandbox } = await import(process.env.BANDITORE_SANDBOX_MODULE);',
    'const sandbox = await createPushSandbox(JSON.parse(process.env.BANDITORE_SANDBOX_OPTIONS));',
    `const addresses = Array.from({ length: ${count} }, () => sandbox.subscribe('${VAPID.publicKey}').address);`,
    `writeFileSync(${JSON.stringify(file)}, JSON.stringify(addresses));`,
    "process.stdout.write(sandbox.url + '\\n');",
    "process.on('SIGUSR2', () => process.stdout.write(JSON.stringify(sandbox.stats) + '\\n'));",
    "process.on('SIGTERM', () => { void sandbox.close().then(() => process.exit(0)); });",
  ].join('\n');
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      BANDITORE_SANDBOX_MODULE: import.meta.resolve('@banditore/channel-push/sandbox'),
      BANDITORE_SANDBOX_OPTIONS: JSON.stringify(options),
    },
  });
  const firstLine = (): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the push sandbox exited (${code})`)));
      child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    });
  const url = await firstLine();
  const addresses = JSON.parse(await readFile(file, 'utf8')) as string[];
  await rm(file, { force: true });
  return {
    url,
    addresses,
    async stats() {
      const line = firstLine();
      child.kill('SIGUSR2');
      return JSON.parse(await line) as unknown;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function seed(store: Store, addresses: readonly string[]): Promise<void> {
  const consent = { method: 'import', noticeVersion: 'bench' } as const;
  for (let start = 0; start < addresses.length; start += 10_000) {
    await store.importSubscribers(
      addresses
        .slice(start, start + 10_000)
        .map((address) => ({ channel: 'push', address, topics: [], areas: [], language: 'it' })),
      consent,
    );
  }
}

function announcement(id: string) {
  return {
    id,
    severity: 'severe' as const,
    topics: ['meteo'],
    content: {
      it: {
        headline: 'Allerta arancione per temporali',
        body: 'Dalle 14 di oggi alle 8 di domani temporali forti su tutto il territorio comunale. Evitare i sottopassi e le zone vicine al fiume Esino; non sostare sotto gli alberi.',
        instruction: 'Restare in casa se possibile e seguire gli aggiornamenti della protezione civile.',
      },
    },
    links: [{ label: 'Dettagli', url: 'https://www.comune.jesi.an.it/avvisi/allerta' }],
  };
}

function round(value: number): number {
  return Number(value.toFixed(3));
}
