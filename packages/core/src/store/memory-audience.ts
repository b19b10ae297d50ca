import { matchesAudience } from '../domain/audience.js';
import { ERASED, type MemoryState } from './memory-state.js';
import type { AudienceMember, SubscriberStore } from './subscriber-store.js';

/**
 * Audiences of the memory store: counted and streamed by walking subscribers in id order, with
 * the same filter (`matchesAudience`) every store must agree with.
 *
 * @param state - The memory store's shared state.
 * @returns The audience methods.
 */
export function createMemoryAudienceMethods(
  state: MemoryState,
): Pick<SubscriberStore, 'countAudience' | 'audiencePage'> {
  const { rows } = state;
  return {
    async countAudience(query) {
      let count = 0;
      for (const row of rows) if (row !== ERASED && matchesAudience(row, query)) count++;
      return count;
    },
    async audiencePage(query, cursor, limit) {
      const members: AudienceMember[] = [];
      let position = cursor === undefined ? 0 : Number(cursor);
      while (position < rows.length && members.length < limit) {
        const row = rows[position++]!;
        if (row !== ERASED && matchesAudience(row, query)) members.push({ subscriberId: row.id });
      }
      return { members, next: position < rows.length ? String(position) : undefined };
    },
  };
}
