import type { ViewHost } from './view-types.js';

/** The subscribe button's disclosure. */
export interface PanelControl {
  /** Loads the panel on first use and opens it, focusing its heading. */
  open(): Promise<void>;
}

/**
 * Wires the subscribe button to the lazily loaded panel, which does the rest (`aria-expanded`,
 * Escape, focus; see `showPanel`): the core bundle only knows how to load it, and reports a
 * failed load (or a panel that cannot draw) as `PANEL_LOAD_FAILED`.
 *
 * @param subscribe - The subscribe button.
 * @param panel - The panel's container.
 * @param host - The element's side of the view.
 */
export function createPanelControl(subscribe: HTMLButtonElement, panel: HTMLElement, host: ViewHost): PanelControl {
  const run = (toggle: boolean): Promise<void> =>
    host.loadPanel().then(
      (module) =>
        module.showPanel(subscribe, panel, toggle, () => {
          const { lang, headingLevel, topics } = host.config();
          return { lang, headingLevel: Math.min(6, headingLevel + 1), meta: host.data().meta, topics };
        }),
      () => void host.emit('banditore-error', { code: 'PANEL_LOAD_FAILED', message: 'panel not loaded' }),
    );
  subscribe.addEventListener('click', () => void run(true));
  return { open: () => run(false) };
}
