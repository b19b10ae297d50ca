import { fileURLToPath } from 'node:url';
import { describeApiReport } from '../../../tools/api-report-suite.js';

describeApiReport('@banditore/channel-push', fileURLToPath(new URL('..', import.meta.url)), {
  '@banditore/channel-push': { file: 'src/index.ts', load: () => import('./index.js') },
  '@banditore/channel-push/sandbox': { file: 'src/sandbox/index.ts', load: () => import('./sandbox/index.js') },
});
