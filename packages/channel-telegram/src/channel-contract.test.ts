import { describeChannelContract } from '@banditore/core/conformance';
import { createTelegramSandbox } from './sandbox/index.js';
import { createTelegramChannel } from './telegram-channel.js';
import { TEST_TOKEN } from './test/bot-rig.js';

// The channel-post channel is not run through the suite: its only "recipient" is the comune's own
// channel, so a missing channel is a configuration error (ACCOUNT_UNUSABLE), not RECIPIENT_GONE.
// Its behaviour is tested in telegram-sandbox-channel.test.ts.
describeChannelContract('telegram (fan-out, against the sandbox)', async () => {
  const sandbox = await createTelegramSandbox();
  await sandbox.blockBot(666_000_001);
  const channel = createTelegramChannel({ token: TEST_TOKEN, baseUrl: sandbox.url });
  return {
    channel,
    address: '123456789',
    goneAddress: '666000001',
    invalidAddress: '+39 333 000 0000',
    async close() {
      await channel.close?.();
      await sandbox.close();
    },
  };
});
