import { announcementSchema, type AnnouncementInput } from '../domain/announcement.js';
import { parseOrThrow } from '../errors.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { toFeedAlert, type FeedAlert } from './feed-format.js';

/** One change of the feed, as the event stream sends it. */
export type FeedChange =
  | { revision: number; kind: 'upsert'; alert: FeedAlert; wasPublic: boolean }
  | { revision: number; kind: 'remove'; id: string; wasPublic: boolean };

interface Entry {
  alert: FeedAlert;
  /** When the entry leaves the feed (expiry, or end of a cancel's "cessata" period); ms since the epoch. */
  removeAt: number | undefined;
}

/** Options of {@link createFeedState}. */
export interface FeedStateOptions {
  clock: Clock;
  cancelledTtlMs: number;
}

/** The announcements currently in the feed, their revision, and who to tell when they change. */
export interface FeedState {
  readonly epoch: string;
  revision(): number;
  upsert(input: AnnouncementInput): void;
  remove(id: string): void;
  /** Removes what has expired at the clock's current time. */
  sweep(): void;
  /** Alerts visible to the public (`Actual`), or to preview readers (all statuses), most severe first. */
  alerts(preview: boolean): FeedAlert[];
  subscribe(listener: (change: FeedChange) => void): () => void;
  close(): void;
}

const SEVERITY_RANK: Record<string, number> = { Extreme: 0, Severe: 1, Moderate: 2, Minor: 3, Unknown: 4 };
/**
 * Longest wait before expiries are checked again, in ms. Expiry is wall time but timers run on
 * monotonic time: after a step of the wall clock (+8 h after a suspend) an expired alert must
 * leave within this, not when a timer set before the step fires. (It also keeps far expiries
 * under Node's ~24.8-day timer limit.)
 */
const MAX_TIMER_MS = 5_000;

/**
 * Creates the in-memory state behind the feed. Updates and cancels replace the announcements
 * they reference; expiry is driven by the injected clock with a single timer.
 *
 * @param options - Clock and cancel lifetime.
 * @returns The state.
 */
export function createFeedState(options: FeedStateOptions): FeedState {
  const { clock, cancelledTtlMs } = options;
  const entries = new Map<string, Entry>();
  const listeners = new Set<(change: FeedChange) => void>();
  const epoch = Math.floor(clock.now()).toString(36);
  let revision = 0;
  let timer: TimerHandle | undefined = undefined;
  let closed = false;

  const emit = (change: FeedChange): void => {
    for (const listener of listeners) listener(change);
  };

  const drop = (id: string): void => {
    const entry = entries.get(id);
    if (!entry) return;
    entries.delete(id);
    emit({ revision: ++revision, kind: 'remove', id, wasPublic: entry.alert.status === 'Actual' });
  };

  const sweep = (): void => {
    const now = clock.now();
    for (const [id, entry] of entries) if (entry.removeAt !== undefined && entry.removeAt <= now) drop(id);
  };

  const arm = (): void => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    if (closed) return;
    let next = Infinity;
    for (const entry of entries.values()) if (entry.removeAt !== undefined) next = Math.min(next, entry.removeAt);
    if (next === Infinity) return;
    timer = clock.setTimeout(
      () => {
        timer = undefined;
        sweep();
        arm();
      },
      Math.min(MAX_TIMER_MS, Math.max(0, next - clock.now())),
    );
    // An expiry timer must never keep a process alive that has nothing else to do.
    (timer as { unref?: () => void } | null)?.unref?.();
  };

  return {
    epoch,
    revision: () => revision,
    upsert(input) {
      const announcement = parseOrThrow('feed announcement', announcementSchema, input);
      const alert = toFeedAlert(announcement);
      const existing = entries.get(alert.id);
      if (existing && existing.alert.revision > alert.revision) return;
      // An update or cancel supersedes what it references: one card per situation, not a history.
      // Also what superseded those (a cancel of the first alert ends its update's card too).
      const superseded = new Set(alert.references.filter((reference) => reference !== alert.id));
      for (const [id, entry] of entries) {
        if (id !== alert.id && entry.alert.references.some((reference) => superseded.has(reference)))
          superseded.add(id);
      }
      for (const reference of superseded) drop(reference);
      const expires = alert.expires === undefined ? undefined : Date.parse(alert.expires);
      const removeAt =
        alert.msgType === 'Cancel' ? Math.min(expires ?? Infinity, clock.now() + cancelledTtlMs) : expires;
      if (removeAt !== undefined && removeAt <= clock.now()) {
        drop(alert.id);
      } else {
        entries.set(alert.id, { alert, removeAt });
        emit({ revision: ++revision, kind: 'upsert', alert, wasPublic: existing?.alert.status === 'Actual' });
      }
      arm();
    },
    remove(id) {
      drop(id);
      arm();
    },
    sweep() {
      sweep();
      arm();
    },
    alerts(preview) {
      const now = clock.now();
      const out: FeedAlert[] = [];
      for (const { alert, removeAt } of entries.values()) {
        if (removeAt !== undefined && removeAt <= now) continue;
        if (preview || alert.status === 'Actual') out.push(alert);
      }
      return out.sort((a, b) => SEVERITY_RANK[a.severity]! - SEVERITY_RANK[b.severity]!);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      listeners.clear();
    },
  };
}
