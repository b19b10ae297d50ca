import { fileURLToPath } from 'node:url';
import { describeApiReport } from '../../../tools/api-report-suite.js';

describeApiReport('@banditore/store-sqlite', fileURLToPath(new URL('..', import.meta.url)), {
  '@banditore/store-sqlite': { file: 'src/index.ts', load: () => import('./index.js') },
});
