import { createBroadcaster, createMemoryStore } from '@banditore/core';
import { median, note, type Figure } from './figures.js';
import { createHttpSandboxChannel } from './http-channel.js';
import { routine, seed } from './seed.js';
import { startServerProcess } from './server-process.js';

/**
 * Figure 3: while a 100,000-recipient routine run saturates a 1,000/s lane to a local HTTP
 * provider, an emergency to the same citizens is published; the figure is the time from the
 * publish call to the emergency's first delivery (median of 3 trials).
 */
export async function runEmergency(options: { scale: number; onFigure: (figure: Figure) => void }): Promise<void> {
  const total = Math.max(10_000, Math.round(100_000 * options.scale));
  const server = await startServerProcess();
  const store = createMemoryStore();
  await seed(store, total, 'whatsapp');
  const http = createHttpSandboxChannel({
    origin: server.origin,
    name: 'whatsapp',
    limits: { ratePerSecond: 1000, concurrency: 64 },
  });
  let emergencyPublishedAt = 0;
  let firstEmergencyAt = 0;
  const channel = {
    ...http,
    send: (address: string, rendered: { body: string }, sendOptions: { signal: AbortSignal }) => {
      if (emergencyPublishedAt > 0 && firstEmergencyAt === 0 && rendered.body.startsWith('ALLERTA'))
        firstEmergencyAt = performance.now();
      return http.send(address, rendered, sendOptions);
    },
  };
  const broadcaster = createBroadcaster({ store, channels: [channel] });
  const delays: number[] = [];
  try {
    for (let trial = 0; trial < 3; trial++) {
      const background = await broadcaster.publish(routine(`routine-${trial}`));
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      firstEmergencyAt = 0;
      emergencyPublishedAt = performance.now();
      const emergency = await broadcaster.publish({
        id: `terremoto-${trial}`,
        severity: 'extreme',
        colorCode: 'rossa',
        urgency: 'immediate',
        topics: ['protezione-civile'],
        content: { it: { headline: 'ALLERTA: scossa di terremoto', instruction: 'Uscite dagli edifici.' } },
      });
      while (firstEmergencyAt === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      delays.push(firstEmergencyAt - emergencyPublishedAt);
      note(
        `trial ${trial + 1}: first emergency delivery after ${(firstEmergencyAt - emergencyPublishedAt).toFixed(1)} ms`,
      );
      await emergency.cancel();
      await background.cancel();
      await Promise.all([emergency.done, background.done]);
      emergencyPublishedAt = 0;
    }
    const value = median(delays);
    options.onFigure({
      name: 'emergency_first_delivery_ms',
      value: Number(value.toFixed(1)),
      unit: 'ms',
      target: '< 1000',
      pass: value < 1000,
    });
  } finally {
    await broadcaster.close();
    await http.close();
    await server.stop();
  }
}
