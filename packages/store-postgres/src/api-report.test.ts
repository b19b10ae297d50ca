import { fileURLToPath } from 'node:url';
import { describeApiReport } from '../../../tools/api-report-suite.js';

describeApiReport('@banditore/store-postgres', fileURLToPath(new URL('..', import.meta.url)), {
  '@banditore/store-postgres': { file: 'src/index.ts', load: () => import('./index.js') },
});
