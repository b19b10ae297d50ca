import type { Clock, TimerHandle } from '@banditore/core';
import { request } from 'undici';
import type { ApiErrorBody } from './sandbox-chats.js';

/** A webhook registered with `setWebhook`. */
export interface SandboxWebhook {
  url: string;
  secretToken: string | undefined;
  allowedUpdates: string[] | undefined;
}

/** How a simulated update reached the bot. */
export type UpdateDelivery =
  | { updateId: number; via: 'webhook'; status: number }
  | { updateId: number; via: 'webhook'; status: 0; error: string }
  | { updateId: number; via: 'queue' };

/** An update in the queue: an object with `update_id` and one payload field. */
export type SandboxUpdate = { update_id: number } & Record<string, unknown>;

interface Waiter {
  offset: number;
  limit: number;
  resolve: (answer: { ok: true; result: SandboxUpdate[] } | ApiErrorBody) => void;
  timer: TimerHandle;
}

/** Update delivery: a queue for getUpdates (long polling) or POSTs to the webhook. */
export interface UpdateHub {
  webhook: SandboxWebhook | undefined;
  push(update: Record<string, unknown>): Promise<UpdateDelivery>;
  getUpdates(
    offset: number | undefined,
    limit: number,
    timeoutSeconds: number,
    onClose: (abort: () => void) => void,
  ): Promise<{ ok: true; result: SandboxUpdate[] } | ApiErrorBody>;
  /** Updates not yet confirmed by an offset. */
  readonly pending: number;
  close(): void;
}

const CONFLICT_WEBHOOK: ApiErrorBody = {
  ok: false,
  error_code: 409,
  description:
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
};
const CONFLICT_OTHER: ApiErrorBody = {
  ok: false,
  error_code: 409,
  description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
};

/**
 * Creates the update hub. Like Telegram: `getUpdates` confirms every update below `offset`,
 * holds the request up to `timeout` seconds when nothing is pending, answers 409 while a
 * webhook is set, and a second concurrent `getUpdates` ends the first one with 409.
 *
 * @param clock - Time source for long-poll timeouts.
 * @returns The hub.
 */
export function createUpdateHub(clock: Clock): UpdateHub {
  let queue: SandboxUpdate[] = [];
  let nextId = 1;
  let waiter: Waiter | undefined;

  const take = (offset: number | undefined, limit: number): SandboxUpdate[] => {
    if (offset !== undefined) queue = queue.filter((update) => update.update_id >= offset);
    return queue.slice(0, limit);
  };
  const release = (answer: { ok: true; result: SandboxUpdate[] } | ApiErrorBody): void => {
    if (!waiter) return;
    const current = waiter;
    waiter = undefined;
    clock.clearTimeout(current.timer);
    current.resolve(answer);
  };

  const hub: UpdateHub = {
    webhook: undefined,
    async push(partial) {
      const update = { ...partial, update_id: nextId++ } as SandboxUpdate;
      const webhook = hub.webhook;
      if (webhook) return postToWebhook(webhook, update);
      queue.push(update);
      if (waiter) release({ ok: true, result: take(waiter.offset, waiter.limit) });
      return { updateId: update.update_id, via: 'queue' };
    },
    getUpdates(offset, limit, timeoutSeconds, onClose) {
      if (hub.webhook) return Promise.resolve(CONFLICT_WEBHOOK);
      release(CONFLICT_OTHER);
      const ready = take(offset, limit);
      if (ready.length > 0 || timeoutSeconds <= 0) return Promise.resolve({ ok: true, result: ready });
      return new Promise((resolve) => {
        const timer = clock.setTimeout(() => release({ ok: true, result: [] }), Math.min(timeoutSeconds, 50) * 1000);
        waiter = { offset: offset ?? 0, limit, resolve, timer };
        const own = waiter;
        onClose(() => {
          if (waiter === own) release({ ok: true, result: [] });
        });
      });
    },
    get pending() {
      return queue.length;
    },
    close() {
      release({ ok: true, result: [] });
    },
  };
  return hub;
}

async function postToWebhook(webhook: SandboxWebhook, update: SandboxUpdate): Promise<UpdateDelivery> {
  try {
    const response = await request(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(webhook.secretToken === undefined ? {} : { 'x-telegram-bot-api-secret-token': webhook.secretToken }),
      },
      body: JSON.stringify(update),
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    await response.body.dump();
    return { updateId: update.update_id, via: 'webhook', status: response.statusCode };
  } catch (error) {
    return {
      updateId: update.update_id,
      via: 'webhook',
      status: 0,
      error: error instanceof Error ? error.name : 'Error',
    };
  }
}
