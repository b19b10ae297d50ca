/** Writes to the two live regions: assertive for critical arrivals, polite (batched) for the rest. */
export interface Announcer {
  /**
   * Queued: texts that arrive together are read as one announcement, and a later one waits until
   * the previous one has had time to be read, so no critical alert is cut off by the next.
   */
  assertive(text: string): void;
  /** Queued and sent together after a short pause, so a burst of updates is one announcement. */
  polite(text: string, summary: (texts: string[]) => string): void;
  stop(): void;
}

const BATCH_MS = 2000;
// Gathers a burst of critical alerts (several SSE events in a row) into one announcement.
const GATHER_MS = 100;
// A screen reader speaks about 15 characters a second; the next write waits that long.
const READ_MS_PER_CHAR = 70;
const MAX_LENGTH = 300;

interface Queue {
  region: HTMLElement;
  texts: string[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Creates the announcer over the two regions the element put in its shadow root when it connected
 * (a region inserted already filled is not announced): polite (`role=status`), then assertive
 * (`role=alert`). Each write clears the region first so the same text twice is announced twice.
 * Text only: screen readers do not reliably read markup across a shadow root.
 *
 * @param regions - The polite and the assertive region, empty.
 */
export function createAnnouncer([politeRegion, alertRegion]: readonly HTMLElement[]): Announcer {
  const polite: Queue = { region: politeRegion!, texts: [], timer: undefined };
  const assertive: Queue = { region: alertRegion!, texts: [], timer: undefined };
  let summarise: (texts: string[]) => string = (texts) => texts.join(' ');

  // After `wait`, everything queued goes out as one text: the region is cleared, written a moment
  // later (a change is what screen readers announce), then held while it is read. Texts queued
  // meanwhile wait for the next round instead of cutting the current one off.
  const run = (q: Queue, wait: number, combine: (texts: string[]) => string): void => {
    if (q.timer !== undefined || q.texts.length === 0) return;
    q.timer = setTimeout(() => {
      const text = combine(q.texts);
      q.texts = [];
      q.region.textContent = '';
      q.timer = setTimeout(() => {
        q.region.textContent = text;
        q.timer = setTimeout(() => {
          q.timer = undefined;
          run(q, wait, combine);
        }, text.length * READ_MS_PER_CHAR);
      }, 100);
    }, wait);
  };
  const sentences = (texts: string[]): string =>
    texts.map((text) => (/[.!?…]$/.test(text) ? text : `${text}.`)).join(' ');

  return {
    assertive(text) {
      assertive.texts.push(text.slice(0, MAX_LENGTH));
      run(assertive, GATHER_MS, (texts) => (texts.length === 1 ? texts[0]! : sentences(texts)));
    },
    polite(text, summary) {
      polite.texts.push(text);
      summarise = summary;
      run(polite, BATCH_MS, (texts) => (texts.length === 1 ? texts[0]! : summarise(texts)).slice(0, MAX_LENGTH));
    },
    stop() {
      for (const q of [polite, assertive]) {
        clearTimeout(q.timer);
        q.timer = undefined;
        q.texts = [];
      }
    },
  };
}
