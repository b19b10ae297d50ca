import { z } from 'zod';
import type { Clock } from '../util/clock.js';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a topic slug such as "protezione-civile"');
const urlOrPath = z
  .string()
  .min(1)
  .max(2048)
  .refine((value) => value.startsWith('/') || /^https:\/\//.test(value) || /^http:\/\/(localhost|127\.)/.test(value), {
    message: 'must be an absolute path ("/avvisi/stream") or an https: URL',
  });
const telegramName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{3,31}$/, 'must be a Telegram username without "@"');

/** Zod schema of {@link FeedOptions}; `parseOrThrow` turns its failures into a ConfigError. */
export const feedOptionsSchema = z.object({
  comune: z.object({
    name: z.string().trim().min(1).max(200),
    istat: z
      .string()
      .regex(/^\d{6}$/, 'must be the 6-digit ISTAT code')
      .optional(),
  }),
  clock: z
    .custom<Clock>(
      (value) => typeof value === 'object' && value !== null && 'now' in value && 'setTimeout' in value,
      'must be a Clock',
    )
    .optional(),
  cors: z.union([z.literal(false), z.literal('*'), z.array(z.url()).min(1)]).default('*'),
  maxAgeSeconds: z.number().int().min(0).max(3600).default(15),
  staleWhileRevalidateSeconds: z.number().int().min(0).max(86_400).default(60),
  preview: z
    .union([z.boolean(), z.custom<(request: Request) => boolean | Promise<boolean>>((v) => typeof v === 'function')])
    .default(false),
  topics: z
    .array(z.object({ id: slug, label: z.record(z.string(), z.string().trim().min(1).max(100)) }))
    .max(100)
    .default([]),
  channels: z
    .object({
      telegram: z.object({ bot: telegramName.optional(), channel: telegramName.optional() }).optional(),
      whatsapp: z
        .object({
          number: z.string().regex(/^\d{8,15}$/, 'must be the number in international form, digits only'),
          optinKeyword: z.string().trim().min(1).max(40),
        })
        .optional(),
      page: z.url({ protocol: /^https$/ }).optional(),
    })
    .default({}),
  live: z.object({ sse: urlOrPath.optional(), poll: urlOrPath.optional() }).default({}),
  heartbeatMs: z.number().int().min(1000).max(300_000).default(25_000),
  retryMs: z.number().int().min(100).max(600_000).default(10_000),
  historySize: z.number().int().min(0).max(100_000).default(1000),
  cancelledTtlMs: z
    .number()
    .int()
    .min(0)
    .default(12 * 3600_000),
  maxClients: z.number().int().min(1).default(10_000),
});

/** Options of {@link createFeed}. */
export interface FeedOptions {
  /** The comune, shown as "Avvisi del Comune di …". */
  comune: { name: string; istat?: string };
  /** Time source for expiry and heartbeats. @defaultValue the system clock */
  clock?: Clock;
  /** `Access-Control-Allow-Origin`: `'*'`, a list of allowed origins, or `false` for none. @defaultValue `'*'` */
  cors?: false | '*' | string[];
  /** `Cache-Control: max-age` of the JSON document, in seconds. @defaultValue 15 */
  maxAgeSeconds?: number;
  /** `stale-while-revalidate`, in seconds. @defaultValue 60 */
  staleWhileRevalidateSeconds?: number;
  /**
   * Whether `?preview` (which adds `exercise` and `test` announcements) is allowed: a boolean or a
   * function of the request (check a staff session there). @defaultValue false
   */
  preview?: boolean | ((request: Request) => boolean | Promise<boolean>);
  /** Topics offered to citizens, labels per language. @defaultValue [] */
  topics?: { id: string; label: Record<string, string> }[];
  /** Subscription channels the widget's panel links to. @defaultValue {} */
  channels?: {
    telegram?: { bot?: string; channel?: string };
    whatsapp?: { number: string; optinKeyword: string };
    page?: string;
  };
  /** Where the event stream and the JSON document are mounted, advertised to the widget. @defaultValue {} */
  live?: { sse?: string; poll?: string };
  /** Interval of the heartbeat comment on event streams, in ms. @defaultValue 25000 */
  heartbeatMs?: number;
  /** `retry:` sent to event-stream clients, in ms. @defaultValue 10000 */
  retryMs?: number;
  /** Events kept for `Last-Event-ID` resume; older ids get a fresh snapshot. @defaultValue 1000 */
  historySize?: number;
  /** How long a cancel ("allerta cessata") stays without its own `expires`, in ms. @defaultValue 12 h */
  cancelledTtlMs?: number;
  /** Most event-stream clients at once; more get `503`. @defaultValue 10000 */
  maxClients?: number;
}

/** Options after defaults. */
export type ResolvedFeedOptions = z.output<typeof feedOptionsSchema>;
