import type { RenderedTemplate, WhatsAppMessage } from './render.js';
import { CAPTION_MAX_LENGTH } from './render.js';

/**
 * The part of the request body after `to`, serialised once per rendered message (and media id)
 * instead of once per recipient: a broadcast stringifies 11,000 identical templates otherwise.
 */
export function templateTail(template: RenderedTemplate, mediaId: string | undefined): string {
  const components: object[] = [];
  if (template.imageHeader && mediaId !== undefined) {
    components.push({ type: 'header', parameters: [{ type: 'image', image: { id: mediaId } }] });
  }
  if (template.parameters.length > 0) components.push({ type: 'body', parameters: template.parameters });
  const payload = {
    name: template.name,
    language: { code: template.language },
    ...(components.length > 0 ? { components } : {}),
  };
  return `"type":"template","template":${JSON.stringify(payload)}`;
}

/** Free-form: an image with the text as caption when it fits, otherwise text with a link preview. */
export function freeFormTail(message: WhatsAppMessage, mediaId: string | undefined): string {
  if (mediaId !== undefined && message.text.length <= CAPTION_MAX_LENGTH) {
    return `"type":"image","image":${JSON.stringify({ id: mediaId, caption: message.text })}`;
  }
  return `"type":"text","text":${JSON.stringify({ body: message.text, preview_url: message.text.includes('https://') })}`;
}

/**
 * The whole body for one recipient.
 *
 * @param to - The address (digits).
 * @param tail - From {@link templateTail} or {@link freeFormTail}.
 * @param callbackData - Echoed by Meta in every status webhook of the message (run and delivery ids).
 * @param replyTo - A follow-up quotes the citizen's earlier message of the alert (its wamid).
 * @returns JSON text.
 */
export function messageBody(to: string, tail: string, callbackData?: string, replyTo?: string): string {
  const callback = callbackData === undefined ? '' : `"biz_opaque_callback_data":${JSON.stringify(callbackData)},`;
  const context = replyTo === undefined ? '' : `"context":${JSON.stringify({ message_id: replyTo })},`;
  return `{"messaging_product":"whatsapp","recipient_type":"individual","to":${JSON.stringify(to)},${callback}${context}${tail}}`;
}
