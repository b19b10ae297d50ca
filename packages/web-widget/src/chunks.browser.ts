import type { ContrastModule } from './contrast-check.js';
import type { LiveModule } from './chunks.js';
import type { PanelModule } from './panel-types.js';

// Read while the script itself runs: document.currentScript is null in any later callback.
const base = (document.currentScript as HTMLScriptElement | null)?.src || document.baseURI;

const load = <T>(name: string): Promise<T> =>
  import(/* @vite-ignore */ new URL(`banditore-alerts.${name}.js`, base).href) as Promise<T>;

/**
 * Script-tag build: loads `banditore-alerts.panel.js` from next to the script that defined the
 * element, so a comune serving the files from one folder needs no configuration.
 */
export const loadPanel = (): Promise<PanelModule> => load('panel');

/** Script-tag build: loads `banditore-alerts.contrast.js` from next to the script. */
export const loadContrastCheck = (): Promise<ContrastModule> => load('contrast');

/** Script-tag build: loads `banditore-alerts.live.js` from next to the script. */
export const loadLive = (): Promise<LiveModule> => load('live');
