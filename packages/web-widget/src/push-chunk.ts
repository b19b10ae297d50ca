/** The lazily loaded push button (npm build: a split chunk; see `push-chunk.browser.ts`). */
export const loadPush = (): Promise<typeof import('./push-button.js')> => import('./push-button.js');
