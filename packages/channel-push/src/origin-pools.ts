import { Pool, type Dispatcher } from 'undici';

/** One undici Pool per push-service origin, made on first use. */
export interface OriginPools {
  get(origin: string): Dispatcher;
  close(): Promise<void>;
}

/**
 * Keeps a Pool per origin: FCM, Mozilla, Apple and WNS are different hosts with their own
 * connection limits, so a slow one never holds sockets another needs. With `shared` set (a
 * MockAgent in tests) every origin goes through it and nothing is closed here.
 *
 * @param connections - Sockets per origin.
 * @param shared - A dispatcher the caller owns.
 * @returns The pools.
 */
export function createOriginPools(connections: number, shared?: Dispatcher): OriginPools {
  const pools = new Map<string, Pool>();
  return {
    get(origin) {
      if (shared) return shared;
      let pool = pools.get(origin);
      if (!pool) {
        pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
        pools.set(origin, pool);
      }
      return pool;
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((pool) => pool.close()));
    },
  };
}
