import { fileURLToPath } from 'node:url';
import { describeApiReport } from '../../../tools/api-report-suite.js';

describeApiReport('@banditore/cap', fileURLToPath(new URL('..', import.meta.url)), {
  '@banditore/cap': { file: 'src/index.ts', load: () => import('./index.js') },
});
