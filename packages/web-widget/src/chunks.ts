import type { ContrastModule } from './contrast-check.js';
import type { PanelModule } from './panel-types.js';

/** The lazily loaded live connection and announcer. */
export type LiveModule = typeof import('./live-module.js');

/**
 * Loads the parts not every visitor needs, on first use: the subscription panel, and the contrast
 * checker (only when the host page sets its own colours). Bundlers turn each into a separate
 * chunk; the script-tag build swaps this file for `chunks.browser.ts`.
 */
export const loadPanel = (): Promise<PanelModule> => import('./panel.js');

/** See {@link loadPanel}. */
export const loadContrastCheck = (): Promise<ContrastModule> => import('./contrast-check.js');

/** Loads the live connection and the announcer (see `live-module.ts`), as the element connects. */
export const loadLive = (): Promise<LiveModule> => import('./live-module.js');
