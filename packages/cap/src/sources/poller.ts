import { createHash } from 'node:crypto';
import { systemClock, type Clock, type TimerHandle } from '@banditore/core';
import { parseOrThrow } from '@banditore/core/authoring';
import { getGlobalDispatcher, type Dispatcher } from 'undici';
import { z } from 'zod';
import { isSourceParseError, type AlertSource, type SourceDraft } from './source.js';

/** Why a poll brought nothing. */
export type SourceFailureReason = 'http-status' | 'timeout' | 'network' | 'invalid-body' | 'too-large';

/** What a poller tells `onEvent`. URLs and bodies are never included: only the source's name, codes and counts. */
export type SourceEvent =
  | { type: 'source.updated'; source: string; httpStatus: number; drafts: number }
  | { type: 'source.unchanged'; source: string; httpStatus: 304 | 200 }
  | {
      type: 'source.failed';
      source: string;
      reason: SourceFailureReason;
      httpStatus?: number;
      /** The parser's words (never the body itself). */
      detail?: string;
      consecutiveFailures: number;
      retryInMs: number;
    }
  | { type: 'drafts.handler-failed'; source: string };

/** What one poll did. */
export type PollOutcome =
  | { status: 'updated'; drafts: SourceDraft[] }
  | { status: 'unchanged' }
  | { status: 'failed'; reason: SourceFailureReason; httpStatus?: number };

/** Options of {@link createSourcePoller}. */
export interface SourcePollerOptions {
  source: AlertSource;
  /** Gets the drafts of each changed answer (give them to a draft desk). Not called on failures; if it throws, the loop emits `drafts.handler-failed` and goes on. */
  onDrafts: (drafts: SourceDraft[], source: string) => void | Promise<void>;
  /** Optional observer; see {@link SourceEvent}. */
  onEvent?: (event: SourceEvent) => void;
  /** Time between polls, in ms. @defaultValue 60000 */
  intervalMs?: number;
  /** A request that has not answered in this time fails with `timeout`, in ms. @defaultValue 15000 */
  timeoutMs?: number;
  /** Longest wait after repeated failures, in ms. @defaultValue 900000 (15 min) */
  maxBackoffMs?: number;
  /** Largest body read, in bytes. @defaultValue 10 MiB (MeteoAlarm's Italy feed is about 1.4 MB) */
  maxBytes?: number;
  /** Time source for the schedule and the timeout. @defaultValue the system clock */
  clock?: Clock;
  /** The undici dispatcher. @defaultValue undici's global dispatcher */
  dispatcher?: Dispatcher;
  /** `User-Agent` header. @defaultValue `'banditore-cap'` */
  userAgent?: string;
}

/** A running poll loop. */
export interface SourcePoller {
  /** Polls now, then every `intervalMs` (longer after failures). */
  start(): void;
  /** Stops the loop and aborts a request in flight. */
  stop(): void;
  /** One poll now, outside the schedule (what `start` runs each time). */
  poll(): Promise<PollOutcome>;
}

const optionsSchema = z.object({
  source: z.custom<AlertSource>(
    (value) => typeof value === 'object' && value !== null && 'parse' in value && 'url' in value,
    'must be an AlertSource',
  ),
  onDrafts: z.custom<SourcePollerOptions['onDrafts']>((value) => typeof value === 'function', 'must be a function'),
  onEvent: z.custom<NonNullable<SourcePollerOptions['onEvent']>>((value) => typeof value === 'function').optional(),
  intervalMs: z.number().int().min(1000).default(60_000),
  timeoutMs: z.number().int().min(100).default(15_000),
  maxBackoffMs: z.number().int().min(1000).default(900_000),
  maxBytes: z
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  clock: z.custom<Clock>((value) => typeof value === 'object' && value !== null && 'setTimeout' in value).optional(),
  dispatcher: z
    .custom<Dispatcher>((value) => typeof value === 'object' && value !== null && 'request' in value)
    .optional(),
  userAgent: z.string().min(1).max(200).default('banditore-cap'),
});

class TooLarge extends Error {}

/**
 * Polls an official source with conditional requests (`If-None-Match` / `If-Modified-Since`
 * from the last answer; a body identical to the last one counts as unchanged too, for servers
 * that send neither), backs off exponentially after failures (honouring `Retry-After`), and
 * hands the drafts of each changed answer to `onDrafts`.
 *
 * An outage — an error status, a timeout, a refused connection, a body that is not what the
 * source serves — produces no draft and a `source.failed` event saying why.
 *
 * @param options - See {@link SourcePollerOptions}.
 * @returns The poller, not started.
 * @throws ConfigError naming the invalid option.
 * @example
 * ```ts
 * const poller = createSourcePoller({ source: createIngvSource({ comune }), onDrafts: (drafts) => desk.receive(drafts) });
 * poller.start();
 * ```
 */
export function createSourcePoller(options: SourcePollerOptions): SourcePoller {
  const resolved = parseOrThrow('createSourcePoller options', optionsSchema, options);
  const { source, intervalMs, timeoutMs, maxBackoffMs, maxBytes } = resolved;
  const clock = resolved.clock ?? systemClock;
  const emit = (event: SourceEvent): void => resolved.onEvent?.(event);
  let validators: { url: string; etag?: string; lastModified?: string; hash?: string } | undefined;
  let failures = 0;
  let timer: TimerHandle | undefined;
  let running = false;
  let inFlight: AbortController | undefined;
  let nextDelay = intervalMs;

  const fail = (reason: SourceFailureReason, httpStatus?: number, detail?: string, retryAfterMs = 0): PollOutcome => {
    failures += 1;
    nextDelay = Math.min(maxBackoffMs, Math.max(retryAfterMs, intervalMs * 2 ** Math.min(failures, 20)));
    emit({
      type: 'source.failed',
      source: source.name,
      reason,
      ...(httpStatus === undefined ? {} : { httpStatus }),
      ...(detail === undefined ? {} : { detail }),
      consecutiveFailures: failures,
      retryInMs: nextDelay,
    });
    return httpStatus === undefined ? { status: 'failed', reason } : { status: 'failed', reason, httpStatus };
  };

  const fetchOnce = async (): Promise<PollOutcome> => {
    const url = source.url(clock.now());
    const headers: Record<string, string> = { 'user-agent': resolved.userAgent, accept: '*/*' };
    if (validators?.url === url) {
      if (validators.etag) headers['if-none-match'] = validators.etag;
      if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
    }
    const controller = new AbortController();
    inFlight = controller;
    let timedOut = false;
    const timeout = clock.setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, timeoutMs);
    const { origin, pathname, search } = new URL(url);
    try {
      const response = await (resolved.dispatcher ?? getGlobalDispatcher()).request({
        origin,
        path: `${pathname}${search}`,
        method: 'GET',
        headers,
        signal: controller.signal,
      });
      if (response.statusCode === 304) {
        await response.body.dump();
        failures = 0;
        nextDelay = intervalMs;
        emit({ type: 'source.unchanged', source: source.name, httpStatus: 304 });
        return { status: 'unchanged' };
      }
      if (response.statusCode !== 200 && response.statusCode !== 204) {
        await response.body.dump();
        const retryAfter = Number(response.headers['retry-after']);
        return fail('http-status', response.statusCode, undefined, Number.isFinite(retryAfter) ? retryAfter * 1000 : 0);
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        await response.body.dump();
        return fail('too-large', response.statusCode);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) throw new TooLarge();
        chunks.push(chunk as Buffer);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const hash = createHash('sha256').update(text).digest('hex');
      const contentType = response.headers['content-type'];
      const header = (name: string): string | undefined => {
        const value = response.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      if (validators?.url === url && validators.hash === hash) {
        failures = 0;
        nextDelay = intervalMs;
        emit({ type: 'source.unchanged', source: source.name, httpStatus: 200 });
        return { status: 'unchanged' };
      }
      let drafts: SourceDraft[];
      try {
        drafts = source.parse(text, typeof contentType === 'string' ? contentType : undefined, clock.now());
      } catch (error) {
        if (isSourceParseError(error)) return fail('invalid-body', response.statusCode, error.message);
        return fail('invalid-body', response.statusCode, 'the answer does not make valid announcements');
      }
      const etag = header('etag');
      const lastModified = header('last-modified');
      validators = {
        url,
        hash,
        ...(etag === undefined ? {} : { etag }),
        ...(lastModified === undefined ? {} : { lastModified }),
      };
      failures = 0;
      nextDelay = intervalMs;
      emit({ type: 'source.updated', source: source.name, httpStatus: response.statusCode, drafts: drafts.length });
      return { status: 'updated', drafts };
    } catch (error) {
      if (error instanceof TooLarge) return fail('too-large', 200);
      if (timedOut) return fail('timeout');
      if (controller.signal.aborted) return { status: 'failed', reason: 'network' };
      return fail(
        'network',
        undefined,
        (error as { code?: unknown }).code === undefined ? undefined : String((error as { code?: unknown }).code),
      );
    } finally {
      clock.clearTimeout(timeout);
      if (inFlight === controller) inFlight = undefined;
    }
  };

  const poll = async (): Promise<PollOutcome> => {
    const outcome = await fetchOnce();
    if (outcome.status === 'updated') await resolved.onDrafts(outcome.drafts, source.name);
    return outcome;
  };

  const loop = (): void => {
    if (!running) return;
    void poll()
      // The source was read; what the application does with the drafts failed. Say so, keep polling.
      .catch(() => emit({ type: 'drafts.handler-failed', source: source.name }))
      .finally(() => {
        if (running) timer = clock.setTimeout(loop, nextDelay);
      });
  };

  return {
    start() {
      if (running) return;
      running = true;
      loop();
    },
    stop() {
      running = false;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      inFlight?.abort(new Error('stopped'));
    },
    poll,
  };
}
