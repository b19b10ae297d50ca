import { describeChannelContract } from '@banditore/core/conformance';
import { createWhatsAppSandbox } from './sandbox/index.js';
import { CHANNEL_TEMPLATES, SANDBOX_TEMPLATES, testSeed } from './test/rig.js';
import { createWhatsAppChannel } from './whatsapp-channel.js';

describeChannelContract('whatsapp (against the sandbox)', async () => {
  const sandbox = await createWhatsAppSandbox({ templates: SANDBOX_TEMPLATES, seed: testSeed('contract') });
  // A number that is not on WhatsApp: 131026; with one failing day allowed, the subscriber is dropped.
  sandbox.failRecipient('393330000666', 131026, 'sync');
  const channel = createWhatsAppChannel({
    accessToken: sandbox.accessToken,
    phoneNumberId: sandbox.phoneNumberIds[0]!,
    baseUrl: sandbox.url,
    templates: CHANNEL_TEMPLATES,
    dropUndeliverableAfterDays: 1,
  });
  return {
    channel,
    address: '393331234567',
    goneAddress: '393330000666',
    invalidAddress: '+39 333 000 0000',
    async close() {
      await channel.close();
      await sandbox.close();
    },
  };
});
