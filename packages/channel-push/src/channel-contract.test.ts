import { describeChannelContract } from '@banditore/core/conformance';
import { createPushChannel } from './push-channel.js';
import { createPushSandbox } from './sandbox/index.js';
import { TEST_VAPID } from './test/rig.js';

describeChannelContract('push (against the sandbox push service)', async () => {
  const sandbox = await createPushSandbox();
  const live = sandbox.subscribe(TEST_VAPID.publicKey);
  const gone = sandbox.subscribe(TEST_VAPID.publicKey);
  sandbox.setStatus(gone.id, 410);
  const channel = createPushChannel({ vapid: TEST_VAPID, extraOrigins: [sandbox.url] });
  return {
    channel,
    address: live.address,
    goneAddress: gone.address,
    invalidAddress: JSON.stringify({ ...live.subscription, endpoint: 'https://push.attacker.example/x' }),
    async close() {
      await channel.close?.();
      await sandbox.close();
    },
  };
});
