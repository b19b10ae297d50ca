import { createHmac } from 'node:crypto';
import { Agent, request } from 'undici';

/** Where and how the sandbox posts webhooks, like Meta's app subscription. */
export interface SandboxWebhookOptions {
  /** The receiving endpoint. */
  url: string;
  /** The app secret: bodies are signed `X-Hub-Signature-256: sha256=<hex>` over the raw bytes. */
  appSecret: string;
  /** Statuses gathered into one POST at most every this many ms. @defaultValue 20 */
  intervalMs?: number;
  /** Most statuses per POST. @defaultValue 50 */
  batchSize?: number;
  /** Share of statuses posted twice. @defaultValue 0.1 */
  duplicateRate?: number;
  /** Share of delivered messages that are also read. @defaultValue 0.5 */
  readRate?: number;
  /** Attempts per POST that does not get a 2xx (Meta retries for days). @defaultValue 4 */
  maxAttempts?: number;
}

/** One status event, before batching. */
export interface SandboxStatus {
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  recipient: string;
  phoneNumberId: string;
  timestamp: number;
  callbackData?: string | undefined;
  category: string;
  errorCode?: number | undefined;
}

/** Counters of the poster. */
export interface WebhookStats {
  posts: number;
  statuses: number;
  duplicates: number;
  failedPosts: number;
}

/**
 * Serialises like Meta: non-ASCII characters and `/` escaped (`\u00e8`, `\/`), so a receiver that
 * re-serialises parsed JSON before checking the signature fails here as it would in production.
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Signs a raw body as Meta does.
 *
 * @param appSecret - The app secret.
 * @param body - The exact bytes posted.
 * @returns The `X-Hub-Signature-256` header value.
 */
export function signBody(appSecret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

const FAILED_TITLES: Record<number, string> = {
  131026: 'Message undeliverable',
  131049: 'This message was not delivered to maintain healthy ecosystem engagement.',
  131050: 'User has stopped marketing messages',
  131053: 'Media upload error',
};

/**
 * Posts status webhooks the way Meta does at its worst: batched, out of order, some twice, with
 * failures arriving after a `sent`, and retried when the receiver does not answer 2xx.
 */
export class WebhookPoster {
  readonly stats: WebhookStats = { posts: 0, statuses: 0, duplicates: 0, failedPosts: 0 };
  readonly #pending: SandboxStatus[] = [];
  readonly #agent = new Agent({ connections: 4 });
  #timer: NodeJS.Timeout | undefined;
  #inFlight = 0;
  #idle: Array<() => void> = [];
  #closed = false;

  constructor(
    private readonly options: SandboxWebhookOptions,
    private readonly random: () => number,
    private readonly wabaId: string,
    private readonly displayNumber: (phoneNumberId: string) => string,
  ) {}

  /** Queues the statuses of one accepted message: sent, then delivered and maybe read, or failed. */
  messageAccepted(base: Omit<SandboxStatus, 'status' | 'errorCode'>, failure: number | undefined): void {
    const events: SandboxStatus[] = [{ ...base, status: 'sent' }];
    if (failure !== undefined)
      events.push({ ...base, status: 'failed', errorCode: failure, timestamp: base.timestamp + 1 });
    else {
      const read = this.random() < (this.options.readRate ?? 0.5);
      // Meta skips `delivered` when a message is delivered and read at once.
      if (!read || this.random() < 0.5) events.push({ ...base, status: 'delivered', timestamp: base.timestamp + 1 });
      if (read) events.push({ ...base, status: 'read', timestamp: base.timestamp + 2 });
    }
    for (const event of events) {
      this.#pending.push(event);
      if (this.random() < (this.options.duplicateRate ?? 0.1)) {
        this.#pending.push(event);
        this.stats.duplicates++;
      }
    }
    this.#arm();
  }

  /** Posts any payload (inbound messages, template updates) at once, signed. */
  async post(value: object): Promise<number> {
    const body = metaJson(value);
    this.#inFlight++;
    try {
      return await this.#deliver(body);
    } finally {
      this.#inFlight--;
      this.#checkIdle();
    }
  }

  /** Resolves when every queued status was posted (or given up). */
  drain(): Promise<void> {
    if (this.#pending.length === 0 && this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#agent.close();
  }

  envelope(phoneNumberId: string, value: object, field = 'messages'): object {
    return {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: this.wabaId,
          changes: [
            {
              field,
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: this.displayNumber(phoneNumberId), phone_number_id: phoneNumberId },
                ...value,
              },
            },
          ],
        },
      ],
    };
  }

  #arm(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#flush();
    }, this.options.intervalMs ?? 20);
  }

  async #flush(): Promise<void> {
    const size = Math.min(this.#pending.length, this.options.batchSize ?? 50);
    const batch: SandboxStatus[] = [];
    // Out of order on purpose: pick at random from everything pending, not only the oldest.
    for (let index = 0; index < size; index++) {
      const at = Math.floor(this.random() * this.#pending.length);
      batch.push(this.#pending[at]!);
      this.#pending[at] = this.#pending[this.#pending.length - 1]!;
      this.#pending.pop();
    }
    if (this.#pending.length > 0) this.#arm();
    if (batch.length === 0) return this.#checkIdle();
    const byNumber = new Map<string, SandboxStatus[]>();
    for (const status of batch)
      byNumber.set(status.phoneNumberId, [...(byNumber.get(status.phoneNumberId) ?? []), status]);
    const entries = [...byNumber].map(([phoneNumberId, statuses]) => ({
      id: this.wabaId,
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: this.displayNumber(phoneNumberId), phone_number_id: phoneNumberId },
            statuses: statuses.map(statusJson),
          },
        },
      ],
    }));
    this.stats.statuses += batch.length;
    await this.post({ object: 'whatsapp_business_account', entry: entries });
  }

  async #deliver(body: string): Promise<number> {
    const signature = signBody(this.options.appSecret, body);
    let status = 0;
    for (let attempt = 1; attempt <= (this.options.maxAttempts ?? 4) && !this.#closed; attempt++) {
      try {
        const response = await request(this.options.url, {
          method: 'POST',
          dispatcher: this.#agent,
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
          body,
        });
        await response.body.dump();
        status = response.statusCode;
        this.stats.posts++;
        if (status >= 200 && status < 300) return status;
      } catch {
        status = 0;
      }
      this.stats.failedPosts++;
      await new Promise((resolve) => setTimeout(resolve, 20 * 4 ** attempt));
    }
    return status;
  }

  #checkIdle(): void {
    if (this.#pending.length > 0 || this.#inFlight > 0 || this.#timer) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }
}

function statusJson(status: SandboxStatus): object {
  return {
    id: status.id,
    status: status.status,
    timestamp: String(Math.floor(status.timestamp / 1000)),
    recipient_id: status.recipient,
    ...(status.callbackData === undefined ? {} : { biz_opaque_callback_data: status.callbackData }),
    ...(status.status === 'failed'
      ? {
          errors: [
            {
              code: status.errorCode,
              title: FAILED_TITLES[status.errorCode ?? 0] ?? 'Failed',
              message: FAILED_TITLES[status.errorCode ?? 0] ?? 'Failed',
              error_data: { details: FAILED_TITLES[status.errorCode ?? 0] ?? 'Failed' },
            },
          ],
        }
      : {
          pricing: { billable: status.category !== 'service', pricing_model: 'PMP', category: status.category },
        }),
  };
}
