import type { UiLanguage } from './i18n.js';
import type { FeedMeta } from './model.js';

/** What the subscription panel needs to draw itself. */
export interface PanelData {
  lang: UiLanguage;
  /** Level of the panel's heading. */
  headingLevel: number;
  /** The feed's comune, topics and channels (absent before the feed has loaded). */
  meta: FeedMeta | undefined;
  /** Topics pre-selected (the widget's `topics` filter). */
  topics: string[];
  /** Called by the panel's own close button. */
  onClose(): void;
}

/** The lazily loaded panel module. */
export interface PanelModule {
  /**
   * Draws the panel into `box` (replacing its content).
   *
   * @returns A function that moves focus to the panel's heading.
   */
  mountPanel(box: HTMLElement, data: PanelData): () => void;
  /**
   * Opens the panel under `button` (or closes it when `toggle` is set and it is open), keeping
   * `aria-expanded` in step; Escape and the close button return focus to `button`.
   */
  showPanel(button: HTMLElement, box: HTMLElement, toggle: boolean, data: () => Omit<PanelData, 'onClose'>): void;
}
