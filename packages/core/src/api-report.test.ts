import { fileURLToPath } from 'node:url';
import { describeApiReport } from '../../../tools/api-report-suite.js';

describeApiReport('@banditore/core', fileURLToPath(new URL('..', import.meta.url)), {
  '@banditore/core': { file: 'src/index.ts', load: () => import('./index.js') },
  '@banditore/core/testing': { file: 'src/testing/index.ts', load: () => import('./testing/index.js') },
  '@banditore/core/conformance': { file: 'src/conformance/index.ts', load: () => import('./conformance/index.js') },
  '@banditore/core/authoring': { file: 'src/authoring/index.ts', load: () => import('./authoring/index.js') },
});
