/**
 * Script-tag build: the panel (an ES module itself) loads `banditore-alerts.push.js` from its own
 * folder, so the comune serves every file from one place.
 */
export const loadPush = (): Promise<typeof import('./push-button.js')> =>
  import(/* @vite-ignore */ new URL('banditore-alerts.push.js', import.meta.url).href) as Promise<
    typeof import('./push-button.js')
  >;
