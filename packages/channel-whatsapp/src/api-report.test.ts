import { fileURLToPath } from 'node:url';
import { describeApiReport } from '../../../tools/api-report-suite.js';

describeApiReport('@banditore/channel-whatsapp', fileURLToPath(new URL('..', import.meta.url)), {
  '@banditore/channel-whatsapp': { file: 'src/index.ts', load: () => import('./index.js') },
  '@banditore/channel-whatsapp/sandbox': { file: 'src/sandbox/index.ts', load: () => import('./sandbox/index.js') },
});
