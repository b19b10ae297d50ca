import { ChannelError } from '@banditore/core';
import { FormData, request, type Dispatcher } from 'undici';
import { classify } from './classify.js';
import type { GraphSender } from './sender.js';

/** Meta's size limit for images. */
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png']);

/** Uploads an image once and returns Meta's media id, or a classified error. */
export type MediaUploader = (url: string, signal: AbortSignal) => Promise<string | ChannelError>;

/**
 * Creates the uploader: the comune's image is downloaded once and posted to
 * `/{phone-number-id}/media`, so thousands of sends reuse one media id instead of making Meta
 * fetch the same URL thousands of times.
 *
 * @param sender - The Graph client.
 * @param dispatcher - Used to download the image (the global dispatcher when unset).
 * @param timeoutMs - Per request.
 * @returns The uploader.
 */
export function createMediaUploader(
  sender: GraphSender,
  dispatcher: Dispatcher | undefined,
  timeoutMs: number,
): MediaUploader {
  return async (url, signal) => {
    let bytes: ArrayBuffer;
    let type: string;
    try {
      const response = await request(url, {
        ...(dispatcher === undefined ? {} : { dispatcher }),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      type = String(response.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim();
      bytes = await response.body.arrayBuffer();
      if (response.statusCode !== 200) {
        return new ChannelError('PROVIDER_UNAVAILABLE', 'The announcement image could not be downloaded');
      }
    } catch {
      return new ChannelError('NETWORK_ERROR', 'The announcement image could not be downloaded');
    }
    if (!IMAGE_TYPES.has(type) || bytes.byteLength === 0 || bytes.byteLength > IMAGE_MAX_BYTES) {
      return new ChannelError('MESSAGE_REJECTED', 'The announcement image must be a JPEG or PNG of at most 5 MB');
    }
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', type);
    form.set('file', new Blob([bytes], { type }), type === 'image/png' ? 'image.png' : 'image.jpg');
    const exchange = await sender.postForm('media', form, signal);
    if (exchange.kind === 'response' && exchange.status === 200) {
      const id = (exchange.body as { id?: unknown } | undefined)?.id;
      if (typeof id === 'string' && id.length > 0) return id;
    }
    const outcome = classify(exchange);
    return outcome.ok
      ? new ChannelError('PROVIDER_RESPONSE_INVALID', 'WhatsApp answered the media upload without an id')
      : outcome.error;
  };
}
