/** Dismissed alerts, keyed by id and revision: a changed alert comes back. */
export interface Dismissals {
  has(id: string, revision: number): boolean;
  add(id: string, revision: number): void;
}

const MAX_REMEMBERED = 100;

/**
 * Creates the dismissal memory. Only in memory unless `persist` is set (the comune opted in with
 * `remember-dismissals`); then in `localStorage` — never cookies — under a key per feed.
 *
 * @param persist - Whether to keep dismissals across visits.
 * @param feedUrl - The feed, to keep two widgets' memories apart.
 */
export function createDismissals(persist: boolean, feedUrl: string): Dismissals {
  const storageKey = `banditore-alerts:dismissed:${feedUrl}`;
  let keys: string[] = [];
  if (persist) {
    try {
      const stored: unknown = JSON.parse(localStorage.getItem(storageKey) ?? '[]');
      if (Array.isArray(stored)) keys = stored.filter((key): key is string => typeof key === 'string');
    } catch {
      // Storage can be disabled or full (private modes, sandboxed frames): memory is enough.
    }
  }
  const save = (): void => {
    if (!persist) return;
    try {
      localStorage.setItem(storageKey, JSON.stringify(keys.slice(-MAX_REMEMBERED)));
    } catch {
      // As above: keep working without persistence.
    }
  };
  const key = (id: string, revision: number): string => `${id}@${revision}`;
  return {
    has: (id, revision) => keys.includes(key(id, revision)),
    add(id, revision) {
      keys.push(key(id, revision));
      save();
    },
  };
}
