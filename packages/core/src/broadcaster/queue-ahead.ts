import type { Priority } from '../domain/audience.js';
import { PRIORITY_RANK } from '../domain/audience.js';
import type { RunChannel } from './run-channel.js';

/** The work of higher-priority runs ahead of a run on its channel. */
export interface QueueAhead {
  /** Deliveries those runs still have to make (planned so far, not yet final). */
  remaining: number;
  /** Their combined delivery rate right now, per second (0 before they sent anything). */
  rate: number;
  /** The priority of the most urgent of them. */
  priority: Priority;
}

const PRIORITIES = Object.keys(PRIORITY_RANK) as Priority[];

/**
 * What stands ahead of `source` in its channel's lane: runs of higher priority that still have
 * work. A lane always serves the most urgent run first, so while these remain, `source` waits.
 *
 * @param source - A run's channel.
 * @param executions - The runs delivering in this process.
 * @returns The queue ahead, or `undefined` when nothing is ahead.
 */
export function queueAhead(
  source: RunChannel,
  executions: Iterable<{ readonly sources: readonly RunChannel[] }>,
): QueueAhead | undefined {
  let remaining = 0;
  let rate = 0;
  let rank = Infinity;
  for (const execution of executions) {
    for (const other of execution.sources) {
      if (other === source || other.channel !== source.channel || other.state !== 'running') continue;
      if (other.priorityRank >= source.priorityRank) continue;
      const { planned, sent, failed, dropped, cancelled } = other.counters;
      const left = Math.max(0, planned - sent - failed - dropped - cancelled);
      if (left === 0 && other.planningDone) continue;
      remaining += left;
      rate += other.recentRate;
      rank = Math.min(rank, other.priorityRank);
    }
  }
  if (rank === Infinity) return undefined;
  return { remaining, rate, priority: PRIORITIES.find((priority) => PRIORITY_RANK[priority] === rank)! };
}
