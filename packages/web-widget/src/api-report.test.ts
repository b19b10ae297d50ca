import { fileURLToPath } from 'node:url';
import { describeApiReport } from '../../../tools/api-report-suite.js';

describeApiReport('@banditore/web-widget', fileURLToPath(new URL('..', import.meta.url)), {
  '@banditore/web-widget': { file: 'src/index.ts', load: () => import('./index.js') },
  '@banditore/web-widget/define': { file: 'src/define.ts', load: () => import('./define.js') },
});
