import type { WidgetConfig } from './config.js';
import type { ContrastModule } from './contrast-check.js';
import type { Dismissals } from './dismissals.js';
import type { LiveStatus } from './live.js';
import type { FeedMeta, WidgetAlert } from './model.js';
import type { PanelModule } from './panel-types.js';

/** What the element's state looks like to the view. */
export interface ViewState {
  alerts: Map<string, WidgetAlert>;
  meta: FeedMeta | undefined;
  status: LiveStatus;
  loaded: boolean;
}

/** What the view reads from and reports to the element. */
export interface ViewHost {
  config(): WidgetConfig;
  data(): ViewState;
  dismissals(): Dismissals;
  emit(type: string, detail: unknown, cancelable?: boolean): boolean;
  loadPanel(): Promise<PanelModule>;
  loadContrastCheck(): Promise<ContrastModule>;
  /** The host's no-JS fallback link, reused as "Tutti gli avvisi". */
  archive: string | undefined;
}

/** The rendered widget. */
export interface View {
  /** Redraws; `fresh` holds ids that just arrived (they get the one-off fade). */
  render(fresh?: Set<string>): void;
  /** Alerts shown now (filters applied, dismissed ones left out), most severe first. */
  shown(): WidgetAlert[];
  setRetry(ms: number | undefined): void;
  openPanel(): Promise<void>;
  stop(): void;
}
