/**
 * Who stopped marketing messages from the comune's number ("Stop promotions" in WhatsApp, the
 * `user_preferences` webhook, or a 131050 answer). The channel asks before each MARKETING
 * template and sends nothing to a citizen who stopped; utility alerts still go out. Implement it
 * over your database to keep it across restarts; without one, the channel keeps it in memory and
 * relearns a stop from Meta's first 131050 after a restart.
 */
export interface MarketingPreferences {
  /** Whether the citizen at `address` stopped marketing messages. */
  stopped(address: string): boolean | Promise<boolean>;
  /**
   * Records a stop (`true`) or a resume (`false`) the citizen chose at `at` (ms since the epoch).
   * Webhooks arrive late and out of order: a change older than the one known is ignored.
   */
  record(address: string, stopped: boolean, at: number): void | Promise<void>;
}

/**
 * The in-memory default: one entry per citizen who ever stopped or resumed (a few bytes each).
 *
 * @returns The preferences.
 */
export function createMemoryMarketingPreferences(): MarketingPreferences {
  const known = new Map<string, { stopped: boolean; at: number }>();
  return {
    stopped: (address) => known.get(address)?.stopped ?? false,
    record(address, stopped, at) {
      const before = known.get(address);
      if (before === undefined || at >= before.at) known.set(address, { stopped, at });
    },
  };
}
