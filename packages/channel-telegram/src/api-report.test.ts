import { fileURLToPath } from 'node:url';
import { describeApiReport } from '../../../tools/api-report-suite.js';

describeApiReport('@banditore/channel-telegram', fileURLToPath(new URL('..', import.meta.url)), {
  '@banditore/channel-telegram': { file: 'src/index.ts', load: () => import('./index.js') },
  '@banditore/channel-telegram/sandbox': { file: 'src/sandbox/index.ts', load: () => import('./sandbox/index.js') },
});
