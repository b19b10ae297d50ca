import { ChannelError, type Clock, type SendOptions, type SendResult } from '@banditore/core';
import { encodeCallbackData } from './callback-data.js';
import { classify } from './classify.js';
import type { MarketingPreferences } from './marketing.js';
import type { MediaUploader } from './media.js';
import { freeFormTail, messageBody, templateTail } from './message-body.js';
import type { TemplateCategory, UndeliverableLedger } from './options.js';
import type { WhatsAppMessage } from './render.js';
import type { GraphSender } from './sender.js';
import { isWindowOpen, type ConversationWindow } from './window.js';

/** What the send method needs from the channel. */
export interface SendContext {
  sender: GraphSender;
  upload: MediaUploader;
  clock: Clock;
  window: ConversationWindow | undefined;
  freeFormInWindow: boolean;
  /** The latest known category of a template (Meta can re-categorise after approval). */
  categoryOf(name: string, approved: TemplateCategory): TemplateCategory;
  undeliverable: UndeliverableLedger;
  dropUndeliverableAfterDays: number;
  marketing: MarketingPreferences;
}

type Send = (address: string, rendered: WhatsAppMessage, options: SendOptions) => Promise<SendResult>;

const NO_TEMPLATE = 'No approved template fits this announcement and the citizen has no open window';
const MARKETING_STOPPED = '131050';

/**
 * Builds `send()`: template outside the 24-hour window, free-form inside it; MARKETING templates
 * to `/marketing_messages`; the image uploaded once per rendered message (one per broadcast and
 * language); a free-form refused with 131047 resent at once as the template; 131026 counted and
 * turned into a dropped subscriber only after failures on several separate days.
 *
 * @param context - Collaborators.
 * @returns The send method.
 */
export function createSendMethod(context: SendContext): Send {
  const { sender, clock } = context;
  const media = new WeakMap<WhatsAppMessage, Promise<string | ChannelError>>();
  const tails = new WeakMap<WhatsAppMessage, { template?: string; freeForm?: string }>();

  const mediaIdFor = async (rendered: WhatsAppMessage, signal: AbortSignal): Promise<string | ChannelError> => {
    let pending = media.get(rendered);
    if (!pending) {
      pending = context.upload(rendered.imageUrl!, signal);
      media.set(rendered, pending);
    }
    const id = await pending;
    // A failed upload is retried by the next send, not remembered for the whole broadcast.
    if (id instanceof ChannelError && media.get(rendered) === pending) media.delete(rendered);
    return id;
  };

  const tailFor = async (
    rendered: WhatsAppMessage,
    kind: 'template' | 'freeForm',
    signal: AbortSignal,
  ): Promise<string | ChannelError> => {
    const cached = tails.get(rendered)?.[kind];
    if (cached !== undefined) return cached;
    const needsImage = kind === 'template' ? rendered.template!.imageHeader : rendered.imageUrl !== undefined;
    const mediaId = needsImage ? await mediaIdFor(rendered, signal) : undefined;
    if (mediaId instanceof ChannelError) return mediaId;
    const tail = kind === 'template' ? templateTail(rendered.template!, mediaId) : freeFormTail(rendered, mediaId);
    const entry = tails.get(rendered) ?? {};
    entry[kind] = tail;
    tails.set(rendered, entry);
    return tail;
  };

  const post = async (
    address: string,
    rendered: WhatsAppMessage,
    kind: 'template' | 'freeForm',
    signal: AbortSignal,
    callbackData: string | undefined,
    replyTo: string | undefined,
  ): Promise<ReturnType<typeof classify>> => {
    const tail = await tailFor(rendered, kind, signal);
    if (tail instanceof ChannelError) return { ok: false, error: tail, rule: undefined };
    const template = rendered.template;
    const marketing =
      kind === 'template' &&
      template !== undefined &&
      context.categoryOf(template.name, template.category) === 'MARKETING';
    return classify(
      await sender.postJson(
        marketing ? 'marketing_messages' : 'messages',
        messageBody(address, tail, callbackData, replyTo),
        signal,
      ),
    );
  };

  return async (address, rendered, { signal, nextRequest, runId, deliveryId, followUp }) => {
    if (signal.aborted) return { ok: false, error: new ChannelError('NETWORK_ERROR', 'The send was aborted') };
    const now = clock.now();
    let freeForm = false;
    if (context.window !== undefined && context.freeFormInWindow) {
      freeForm = isWindowOpen(await context.window.lastInboundAt(address), now);
    }
    if (!freeForm && rendered.template === undefined) {
      return { ok: false, error: new ChannelError('MESSAGE_REJECTED', NO_TEMPLATE) };
    }
    // Marketing content respects the citizen's "Stop promotions", inside a window as well: no
    // request, no cost, no 131050. Utility alerts are not affected.
    const template = rendered.template;
    if (
      template !== undefined &&
      context.categoryOf(template.name, template.category) === 'MARKETING' &&
      (await context.marketing.stopped(address))
    ) {
      return {
        ok: false,
        error: new ChannelError(
          'RECIPIENT_NOT_ELIGIBLE',
          'The recipient stopped marketing messages from this business',
          {
            providerCode: MARKETING_STOPPED,
          },
        ),
      };
    }
    const callbackData =
      runId !== undefined && deliveryId !== undefined ? encodeCallbackData(runId, deliveryId) : undefined;
    // A follow-up quotes the message the citizen has, so it reads as its correction.
    const replyTo = followUp?.previousMessageId;
    let outcome = await post(address, rendered, freeForm ? 'freeForm' : 'template', signal, callbackData, replyTo);
    // The window closed meanwhile (or the store was behind): the template is always allowed. It is
    // a second request, so it waits for the gates and the recipient's spacing like the first.
    if (!outcome.ok && outcome.rule?.outsideWindow && freeForm && rendered.template !== undefined) {
      try {
        await nextRequest?.();
      } catch {
        return { ok: false, error: new ChannelError('NETWORK_ERROR', 'The send was aborted') };
      }
      outcome = await post(address, rendered, 'template', signal, callbackData, replyTo);
    }
    if (outcome.ok) return { ok: true, providerMessageId: outcome.messageId };
    if (outcome.error.providerCode === MARKETING_STOPPED) await context.marketing.record(address, true, now);
    if (outcome.rule?.undeliverable) {
      const days = await context.undeliverable.record(address, now);
      if (days >= context.dropUndeliverableAfterDays) {
        return {
          ok: false,
          error: new ChannelError('RECIPIENT_GONE', `Undeliverable on ${days} separate days`, {
            ...(outcome.error.providerCode === undefined ? {} : { providerCode: outcome.error.providerCode }),
          }),
        };
      }
    }
    return { ok: false, error: outcome.error };
  };
}
