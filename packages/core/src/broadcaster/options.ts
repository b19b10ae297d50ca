import { z } from 'zod';
import { parseOrThrow } from '../errors.js';
import type { AnyChannel } from '../channel/channel.js';
import { DEFAULT_RETRY_POLICY } from './retry-policy.js';
import type { BroadcasterOptions, RetryPolicy } from './types.js';

const limitsSchema = z.object({
  ratePerSecond: z.number().positive().or(z.literal(Infinity)),
  concurrency: z.number().int().min(1).max(10_000),
  burst: z.number().min(1).optional(),
  perRecipientIntervalMs: z.number().min(0).optional(),
});

const channelSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
  limits: limitsSchema,
  render: z.function(),
  send: z.function(),
  cost: z.function().optional(),
});

const optionsSchema = z
  .object({
    store: z.object({ createRun: z.function(), audiencePage: z.function() }, { error: 'must be a Store' }),
    channels: z
      .array(channelSchema)
      .min(1, 'must hold at least one channel')
      .refine(
        (channels) => new Set(channels.map((channel) => channel.name)).size === channels.length,
        'channel names must be unique',
      ),
    clock: z.object({ now: z.function(), setTimeout: z.function(), clearTimeout: z.function() }).optional(),
    onEvent: z.function().optional(),
    retry: z
      .object({
        maxAttempts: z.number().int().min(1).max(100),
        baseDelayMs: z.number().min(0),
        maxDelayMs: z.number().min(0),
        maxTotalMs: z.number().min(0),
      })
      .partial()
      .optional(),
    emergencyReachesAll: z.boolean().optional(),
    announcementSink: z.object({ upsert: z.function(), remove: z.function() }).optional(),
    instanceId: z.string().min(1).max(200).optional(),
    leaseTtlMs: z.number().int().min(1_000).optional(),
    progressIntervalMs: z.number().int().min(10).optional(),
    planPageSize: z.number().int().min(1).max(100_000).optional(),
    random: z.function().optional(),
  })
  // A misspelt option (`emergencyReachsAll`) is an error that names it, not silently ignored.
  .strict();

/** Extra knobs, mostly for tests and benchmarks. */
export interface BroadcasterTuning {
  /** How often progress events fire, in ms. @defaultValue 500 */
  progressIntervalMs?: number;
  /** Subscribers read from the store per planning page. @defaultValue 1000 */
  planPageSize?: number;
  /** Random source for retry jitter. @defaultValue Math.random */
  random?: () => number;
}

/** Options with every default resolved. */
export interface ResolvedOptions {
  channels: readonly AnyChannel[];
  retry: RetryPolicy;
  emergencyReachesAll: boolean;
  instanceId: string;
  leaseTtlMs: number;
  progressIntervalMs: number;
  planPageSize: number;
}

/**
 * Validates the broadcaster's options once, at the top, and fills in defaults.
 *
 * @throws ConfigError naming each invalid field.
 */
export function resolveOptions(options: BroadcasterOptions & BroadcasterTuning): ResolvedOptions {
  parseOrThrow('createBroadcaster options', optionsSchema, options);
  return {
    channels: options.channels,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    emergencyReachesAll: options.emergencyReachesAll ?? false,
    instanceId: options.instanceId ?? `broadcaster-${crypto.randomUUID()}`,
    leaseTtlMs: options.leaseTtlMs ?? 30_000,
    progressIntervalMs: options.progressIntervalMs ?? 500,
    planPageSize: options.planPageSize ?? 1000,
  };
}
