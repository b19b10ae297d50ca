import { describeChannelContract } from '@banditore/core/conformance';
import { createFcmSandbox } from '../sandbox/index.js';
import { createFcmChannel } from './fcm-channel.js';

describeChannelContract('fcm (against the FCM v1 + OAuth sandbox)', async () => {
  const sandbox = await createFcmSandbox();
  const live = sandbox.register();
  const gone = sandbox.register();
  sandbox.setTokenError(gone, 'UNREGISTERED');
  const channel = createFcmChannel({
    serviceAccount: sandbox.serviceAccount,
    baseUrl: sandbox.url,
    tokenUrl: sandbox.tokenUrl,
  });
  return {
    channel,
    address: live,
    goneAddress: gone,
    invalidAddress: 'not a token',
    async close() {
      await channel.close?.();
      await sandbox.close();
    },
  };
});
