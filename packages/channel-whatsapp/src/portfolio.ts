import { createRollingQuota, rollingQuotaBudget, type RollingQuota, type SharedBudget } from '@banditore/core';

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
  /** Wall times of business-initiated sends in the last 24 hours, e.g. from the ledger after a restart. */
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
