import { graphError, type SandboxAnswer } from './graph-errors.js';
import type { BodyValidator } from './openapi-validator.js';
import type { RollingTier, SlidingWindow } from './sandbox-limits.js';
import type { TemplateRegistry } from './sandbox-templates.js';

/** A message the sandbox accepted. */
export interface SandboxMessage {
  id: string;
  phoneNumberId: string;
  to: string;
  type: string;
  endpoint: 'messages' | 'marketing_messages';
  /** The template name, for template messages. */
  template?: string;
  /** The latest category of the template, or `"service"` for free-form. */
  category: string;
  callbackData?: string;
  /** The whole request body as parsed. */
  body: Record<string, unknown>;
}

/** Per-number state the message handler reads. */
export interface NumberState {
  id: string;
  throughput: SlidingWindow;
}

/** What {@link handleMessage} needs from the sandbox. */
export interface MessageContext {
  validators: Record<'Message' | 'MarketingMessageRequestPayload', BodyValidator>;
  templates: TemplateRegistry;
  tier: RollingTier;
  /** Monotonic ms for throughput and pair rate; wall ms (injectable) for windows and the tier. */
  monotonic(): number;
  wallNow(): number;
  pairRateMs: number;
  lastPair: Map<string, number>;
  lastInbound: Map<string, number>;
  knownMedia: (id: string) => boolean;
  /** Numbers that fail synchronously with a code (e.g. 131026, 131050). */
  syncFailure(to: string): number | undefined;
  /** A seeded transient fault for this request, if any. */
  fault(): SandboxAnswer | undefined;
  nextId(): string;
  marketingStopped: Set<string>;
}

const WINDOW_MS = 24 * 3_600_000;

/**
 * Handles `POST /{phone-number-id}/messages` and `/marketing_messages` with Meta's checks in
 * Meta's order: body shape, throughput (counted on arrival), window and templates, pair rate, the
 * portfolio's messaging limit.
 *
 * @returns The answer, and the accepted message when there is one.
 */
export function handleMessage(
  context: MessageContext,
  number: NumberState,
  endpoint: 'messages' | 'marketing_messages',
  body: unknown,
): { answer: SandboxAnswer; accepted?: SandboxMessage } {
  const problem =
    endpoint === 'messages'
      ? context.validators.Message(body)
      : context.validators.MarketingMessageRequestPayload(body);
  if (problem !== undefined) return { answer: graphError(100, 400, problem) };
  const message = body as Record<string, unknown> & { to: string; type: string };
  if (!number.throughput.tryAdd(context.monotonic())) {
    return { answer: graphError(130429, 429, 'Cloud API message throughput has been reached.') };
  }
  const fault = context.fault();
  if (fault) return { answer: fault };
  const to = message.to.replace(/^\+/, '');
  const now = context.wallNow();
  const last = context.lastInbound.get(to);
  const windowOpen = last !== undefined && now - last < WINDOW_MS;
  let category = 'service';
  let template: string | undefined;
  if (message.type === 'template') {
    const checked = context.templates.check(
      message.template as Parameters<TemplateRegistry['check']>[0],
      context.knownMedia,
    );
    if ('error' in checked) return { answer: checked.error };
    const found = checked.template;
    if (endpoint === 'marketing_messages' && found.category !== 'MARKETING') {
      return { answer: graphError(100, 400, 'Only marketing templates can be sent with the Marketing Messages API') };
    }
    if (found.category === 'MARKETING' && context.marketingStopped.has(to)) return { answer: graphError(131050, 400) };
    category = found.category.toLowerCase();
    template = found.name;
  } else if (!windowOpen) {
    return {
      answer: graphError(
        131047,
        400,
        'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      ),
    };
  } else if (message.type === 'image') {
    const id = (message.image as { id?: string } | undefined)?.id;
    if (id !== undefined && !context.knownMedia(id)) return { answer: graphError(131053, 400, 'unknown media id') };
  }
  const pairKey = `${number.id}:${to}`;
  const monotonic = context.monotonic();
  const previous = context.lastPair.get(pairKey);
  if (previous !== undefined && monotonic - previous < context.pairRateMs) {
    return {
      answer: graphError(
        131056,
        400,
        'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
      ),
    };
  }
  // Only business-initiated messages outside a window count against the portfolio's limit.
  if (!windowOpen && !context.tier.tryReach(to, now)) {
    return {
      answer: graphError(131048, 400, 'Messaging limit of the business portfolio reached for the moving 24 hours.'),
    };
  }
  const failure = context.syncFailure(to);
  if (failure !== undefined) return { answer: graphError(failure, 400) };
  context.lastPair.set(pairKey, monotonic);
  const id = context.nextId();
  const callbackData =
    typeof message.biz_opaque_callback_data === 'string' ? message.biz_opaque_callback_data : undefined;
  return {
    answer: {
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        contacts: [{ input: message.to, wa_id: to }],
        messages: [{ id, message_status: 'accepted' }],
      },
    },
    accepted: {
      id,
      phoneNumberId: number.id,
      to,
      type: message.type,
      endpoint,
      category,
      ...(template === undefined ? {} : { template }),
      ...(callbackData === undefined ? {} : { callbackData }),
      body: message,
    },
  };
}
