import type { Priority } from '../domain/audience.js';
import type { ErrorAction } from '../channel/error-codes.js';
import type { RunProgress, RunReport } from './types.js';

/**
 * Everything the broadcaster tells the outside world. Ids, codes and counts only: no address,
 * token or message text ever appears in an event. `at` is ms since the epoch.
 */
export type BroadcastEvent =
  | { type: 'run.created'; at: number; runId: string; announcementId: string; priority: Priority; channels: string[] }
  | { type: 'run.resumed'; at: number; runId: string; announcementId: string; ambiguous: number }
  | { type: 'run.planned'; at: number; runId: string; channel: string; planned: number }
  | { type: 'run.progress'; at: number; progress: RunProgress }
  | { type: 'run.finished'; at: number; report: RunReport }
  | {
      type: 'delivery.retry';
      at: number;
      runId: string;
      channel: string;
      deliveryId: string;
      code: string;
      attempt: number;
      delayMs: number;
    }
  | {
      type: 'delivery.failed';
      at: number;
      runId: string;
      channel: string;
      deliveryId: string;
      subscriberId: string;
      code: string;
      action: ErrorAction | 'exhausted';
      attempts: number;
    }
  | { type: 'subscriber.unreachable'; at: number; subscriberId: string; channel: string; code: string }
  | { type: 'subscriber.readdressed'; at: number; subscriberId: string; channel: string }
  /** The provider asked the whole channel to wait. Once per pause, however many sends came back throttled. */
  | { type: 'channel.paused'; at: number; channel: string; code: string; resumeAt: number }
  /** The wait of the last `channel.paused` is over (sent when it ends, whatever the next send does). */
  | { type: 'channel.resumed'; at: number; channel: string }
  | { type: 'channel.stopped'; at: number; channel: string; code: string; message: string }
  /**
   * Something failed inside the library. `message` is the error's name or a fixed sentence;
   * `code` is the store's own error code when it is safe to show (`SQLITE_FULL`, `SQLITE_BUSY`).
   */
  | { type: 'internal.error'; at: number; where: string; message: string; code?: string };

/** The `type` of a broadcast event. */
export type BroadcastEventType = BroadcastEvent['type'];
