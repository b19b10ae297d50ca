import { h } from './dom.js';

/** Writes to the two live regions: assertive for critical arrivals, polite (batched) for the rest. */
export interface Announcer {
  /** The two regions, to append once, empty, when the element connects. */
  readonly regions: HTMLElement[];
  assertive(text: string): void;
  /** Queued and sent together after a short pause, so a burst of updates is one announcement. */
  polite(text: string, summary: (texts: string[]) => string): void;
  stop(): void;
}

const BATCH_MS = 2000;
const MAX_LENGTH = 300;

/**
 * Creates the announcer. Regions exist before any text is written (a region inserted already
 * filled is not announced), and each write clears the region first so the same text twice is
 * announced twice. Text only: screen readers do not reliably read markup across a shadow root.
 */
export function createAnnouncer(): Announcer {
  const politeRegion = h('div', { class: 'vh', role: 'status', 'aria-live': 'polite' });
  const alertRegion = h('div', { class: 'vh', role: 'alert' });
  let queue: string[] = [];
  let summarise: (texts: string[]) => string = (texts) => texts.join(' ');
  let batch: ReturnType<typeof setTimeout> | undefined;
  let writes: ReturnType<typeof setTimeout> | undefined;

  const write = (region: HTMLElement, text: string): void => {
    region.textContent = '';
    writes = setTimeout(() => (region.textContent = text.slice(0, MAX_LENGTH)), 100);
  };

  return {
    regions: [politeRegion, alertRegion],
    assertive: (text) => write(alertRegion, text),
    polite(text, summary) {
      queue.push(text);
      summarise = summary;
      batch ??= setTimeout(() => {
        batch = undefined;
        write(politeRegion, queue.length === 1 ? queue[0]! : summarise(queue));
        queue = [];
      }, BATCH_MS);
    },
    stop() {
      clearTimeout(batch);
      clearTimeout(writes);
      batch = undefined;
      queue = [];
    },
  };
}
