import {
  createRollingQuota,
  rollingQuotaBudget,
  type RollingQuota,
  type RunStatus,
  type RunStore,
  type SharedBudget,
} from '@banditore/core';

/** WhatsApp's messaging limit tiers: unique recipients outside a window per moving 24 hours. */
export const MESSAGING_LIMITS = [250, 2_000, 10_000, 100_000, 'unlimited'] as const;
/** A messaging limit tier. */
export type MessagingLimit = (typeof MESSAGING_LIMITS)[number];

/** Options of {@link createWhatsAppPortfolio}. */
export interface WhatsAppPortfolioOptions {
  /** The business portfolio (Business Manager) ID, or any stable name of it. */
  id: string;
  /** The current tier, as WhatsApp Manager shows it (`whatsapp_business_manager_messaging_limit`). */
  messagingLimit: MessagingLimit;
  /**
   * Wall times of business-initiated sends in the last 24 hours, so a restart does not forget
   * what the moving window already used: `await loadPortfolioUsage(store, { channels })`.
   * @defaultValue none: the whole limit is free
   */
  usedAt?: readonly number[];
}

/** A business portfolio whose numbers share one messaging limit. */
export interface WhatsAppPortfolio {
  readonly id: string;
  readonly messagingLimit: MessagingLimit;
  /** The shared quota; `undefined` for the unlimited tier. */
  readonly quota: RollingQuota | undefined;
  /** The budget each number's channel lists in `limits.shared`. */
  readonly budget: SharedBudget | undefined;
}

/**
 * Describes a business portfolio so that every number of it draws from one messaging limit while
 * each keeps its own throughput: pass the same object as `portfolio` to each number's channel.
 * The broadcaster then holds recipients beyond the limit (instead of burning errors) and
 * `estimate()` tells when the last of them go out.
 *
 * @param options - Portfolio id and tier.
 * @returns The portfolio.
 * @example
 * ```ts
 * const portfolio = createWhatsAppPortfolio({ id: '1234567890', messagingLimit: 10_000 })
 * const ufficioStampa = createWhatsAppChannel({ ..., phoneNumberId: '1065…', portfolio })
 * const protezioneCivile = createWhatsAppChannel({ ..., phoneNumberId: '1098…', name: 'whatsapp-pc', portfolio })
 * ```
 */
export function createWhatsAppPortfolio(options: WhatsAppPortfolioOptions): WhatsAppPortfolio {
  if (options.messagingLimit === 'unlimited') {
    return { id: options.id, messagingLimit: 'unlimited', quota: undefined, budget: undefined };
  }
  const quota = createRollingQuota({
    limit: options.messagingLimit,
    ...(options.usedAt === undefined ? {} : { usedAt: options.usedAt }),
  });
  return {
    id: options.id,
    messagingLimit: options.messagingLimit,
    quota,
    budget: rollingQuotaBudget(`whatsapp-portfolio:${options.id}`, quota),
  };
}

/** Options of {@link loadPortfolioUsage}. */
export interface PortfolioUsageOptions {
  /** The channel names of every number of the portfolio (e.g. `["whatsapp", "whatsapp-pc"]`). */
  channels: readonly string[];
  /** Wall time now, ms since the epoch. @defaultValue `Date.now()` */
  now?: number;
  /** The messaging limit's moving window. @defaultValue 24 hours */
  windowMs?: number;
}

const RUN_STATUSES: readonly RunStatus[] = ['active', 'completed', 'cancelled', 'expired'];

/**
 * Reads back from the delivery ledger what the portfolio's messaging limit used in the last 24
 * hours, for `createWhatsAppPortfolio({ usedAt })` at start: without it a restarted process
 * believes the whole limit is free and sends into Meta's refusals.
 *
 * The ledger keeps counts per run, not a time per message, so every message a run sent is placed
 * at the run's end (now for a run still active): the latest it can have been sent. The quota thus
 * frees room later than Meta does, never earlier. Messages inside a citizen's service window are
 * counted too (Meta does not count them): an upper bound, like the quota itself.
 *
 * @param store - The store the broadcaster writes (any `Store`).
 * @param options - The portfolio's channel names.
 * @returns Wall times for `usedAt`.
 * @example
 * ```ts
 * const portfolio = createWhatsAppPortfolio({
 *   id: '1234567890',
 *   messagingLimit: 10_000,
 *   usedAt: await loadPortfolioUsage(store, { channels: ['whatsapp'] }),
 * })
 * ```
 */
export async function loadPortfolioUsage(
  store: Pick<RunStore, 'listRuns' | 'deliveryCounts'>,
  options: PortfolioUsageOptions,
): Promise<number[]> {
  const now = options.now ?? Date.now();
  const since = now - (options.windowMs ?? 86_400_000);
  const channels = new Set(options.channels);
  const usedAt: number[] = [];
  for (const run of await store.listRuns({ status: RUN_STATUSES })) {
    const endedAt = run.finishedAt ?? now;
    if (endedAt <= since) continue;
    for (const counts of await store.deliveryCounts(run.id)) {
      if (!channels.has(counts.channel)) continue;
      for (let index = 0; index < counts.byStatus.sent; index++) usedAt.push(endedAt);
    }
  }
  return usedAt;
}
