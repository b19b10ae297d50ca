import { describe, expect, it } from 'vitest';
import type { ChannelLimits } from '../channel/channel.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { Store } from '../store/run-store.js';
import { maxInAnySecond, seededRandom } from '../testing/measure.js';
import { createSandboxChannel, type SandboxChannel } from '../testing/sandbox-channel.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { seedSubscribers } from '../test-support/seed.js';
import { pause } from '../test-support/drive.js';
import { ledgerOf } from '../test-support/store-wrappers.js';
import { createBroadcaster } from './create-broadcaster.js';
import type { Broadcaster } from './types.js';

const LIMITS: Partial<ChannelLimits> = { ratePerSecond: 25, concurrency: 4 };
const ROUTINE = 200;
const EMERGENCY = 20;

/** One process: a broadcaster with its own Telegram-like and WhatsApp-like sandbox accounts. */
interface Process {
  broadcaster: Broadcaster;
  telegram: SandboxChannel;
  whatsapp: SandboxChannel;
}

function processOn(store: Store, instanceId: string, seed: number): Process {
  const random = seededRandom(seed);
  // Round trips of 1–5 ms, different in each process and each run of the test alike.
  const latencyMs = (): number => 1 + Math.floor(random() * 5);
  const telegram = createSandboxChannel({ name: 'telegram', latencyMs, limits: LIMITS });
  const whatsapp = createSandboxChannel({ name: 'whatsapp', latencyMs, limits: LIMITS });
  return { broadcaster: createBroadcaster({ store, channels: [telegram, whatsapp], instanceId }), telegram, whatsapp };
}

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await pause(10);
}

/** Every delivery of one account, from every process. */
function sendsOn(processes: readonly Process[], channel: 'telegram' | 'whatsapp') {
  return processes.flatMap((process) => process[channel].deliveries);
}

async function seedAudiences(store: Store): Promise<void> {
  for (const channel of ['telegram', 'whatsapp']) {
    await seedSubscribers(store, ROUTINE, { channel, topics: ['eventi'], prefix: `${channel}-eventi-` });
    await seedSubscribers(store, EMERGENCY, { channel, topics: ['meteo'], prefix: `${channel}-meteo-` });
  }
}

describe('sender accounts paced by different processes', () => {
  it('delivers an emergency on two accounts paced by two other processes while their routine runs go on', async () => {
    const store = createMemoryStore();
    await seedAudiences(store);
    const [a, b, c] = [processOn(store, 'a', 1), processOn(store, 'b', 2), processOn(store, 'c', 3)];
    const all = [a, b, c];

    // B paces the Telegram account with a routine run, C the WhatsApp account with another.
    const x = await b.broadcaster.publish(sampleAnnouncement({ id: 'mercato' }), { channels: ['telegram'] });
    const y = await c.broadcaster.publish(sampleAnnouncement({ id: 'sagra' }), { channels: ['whatsapp'] });
    await until(() => b.telegram.deliveries.length >= 25 && c.whatsapp.deliveries.length >= 25);

    // A publishes an emergency that needs both accounts.
    const e = await a.broadcaster.publish(
      sampleAnnouncement({ id: 'allerta-rossa', severity: 'extreme', topics: ['meteo'] }),
    );
    const emergency = await e.done;
    const routineLeft = {
      telegram: ROUTINE - b.telegram.deliveries.filter((d) => d.announcementId === 'mercato').length,
      whatsapp: ROUTINE - c.whatsapp.deliveries.filter((d) => d.announcementId === 'sagra').length,
    };
    const [routineX, routineY] = await Promise.all([x.done, y.done]);

    expect(emergency.status).toBe('completed');
    expect(emergency.channels.map((channel) => [channel.channel, channel.sent, channel.ambiguous])).toEqual([
      ['telegram', EMERGENCY, 0],
      ['whatsapp', EMERGENCY, 0],
    ]);
    // Both routine runs were still far from done when the emergency had reached everyone.
    expect(routineLeft.telegram).toBeGreaterThan(40);
    expect(routineLeft.whatsapp).toBeGreaterThan(40);
    expect([routineX.status, routineY.status]).toEqual(['completed', 'completed']);
    for (const channel of ['telegram', 'whatsapp'] as const) {
      const sends = sendsOn(all, channel);
      const addresses = sends.map((delivery) => delivery.address);
      // Nothing lost, nothing twice: the routine run and the emergency, each recipient once.
      expect(addresses).toHaveLength(ROUTINE + EMERGENCY);
      expect(new Set(addresses).size).toBe(ROUTINE + EMERGENCY);
      // One process sends on each account, so the sliding second holds across processes.
      expect(maxInAnySecond(sends.map((delivery) => delivery.at))).toBeLessThanOrEqual(25);
    }
    // The account's pacer sent the emergency, in its own lane, ahead of its routine run.
    expect(b.telegram.deliveries).toHaveLength(ROUTINE + EMERGENCY);
    expect(c.whatsapp.deliveries).toHaveLength(ROUTINE + EMERGENCY);
    for (const [process, channel, routine] of [
      [b, 'telegram', 'mercato'],
      [c, 'whatsapp', 'sagra'],
    ] as const) {
      const order = process[channel].deliveries.map((delivery) => delivery.announcementId);
      expect(order.lastIndexOf('allerta-rossa')).toBeLessThan(order.lastIndexOf(routine) - 40);
    }
    for (const run of [x, y, e]) expect(await ledgerOf(store, run.id)).toMatchObject({ pending: 0, claimed: 0 });
    for (const process of all) await process.broadcaster.close();
  });

  it('hands an account over when its pacer finishes, one window after its last send', async () => {
    const store = createMemoryStore();
    await seedAudiences(store);
    const [a, b] = [processOn(store, 'a', 4), processOn(store, 'b', 5)];

    // B paces the Telegram account; A publishes a large run on it meanwhile, which B helps with.
    const x = await b.broadcaster.publish(sampleAnnouncement({ id: 'mercato', topics: ['meteo'] }), {
      channels: ['telegram'],
    });
    await until(() => b.telegram.deliveries.length >= 5);
    const z = await a.broadcaster.publish(sampleAnnouncement({ id: 'sagra' }), { channels: ['telegram'] });
    // X ends on B: A paces the account from then on and sends the rest of Z itself.
    await x.done;
    const report = await z.done;

    const sends = sendsOn([a, b], 'telegram');
    const fromA = a.telegram.deliveries.map((delivery) => delivery.at);
    const fromB = b.telegram.deliveries.map((delivery) => delivery.at);
    expect(report.status).toBe('completed');
    expect(fromA.length).toBeGreaterThan(0);
    expect(new Set(sends.map((delivery) => delivery.address)).size).toBe(ROUTINE + EMERGENCY);
    expect(sends).toHaveLength(ROUTINE + EMERGENCY);
    // The new pacer's rate gate knew nothing of B's sends: it waited out B's last second.
    expect(Math.min(...fromA)).toBeGreaterThanOrEqual(Math.max(...fromB) + 1000);
    expect(maxInAnySecond(sends.map((delivery) => delivery.at))).toBeLessThanOrEqual(25);
    expect(await ledgerOf(store, z.id)).toMatchObject({ pending: 0, claimed: 0, sent: ROUTINE });
    await a.broadcaster.close();
    await b.broadcaster.close();
  });
});
