import { z } from 'zod';

/** Where a subscriber stands: only `active` subscribers receive announcements. */
export const SUBSCRIBER_STATUSES = ['active', 'unreachable', 'unsubscribed'] as const;
/** How consent was given or withdrawn. */
export const CONSENT_METHODS = ['keyword', 'command', 'web-form', 'import', 'operator'] as const;
/** The consent ledger's event kinds; the ledger is append-only. */
export const CONSENT_KINDS = ['subscribed', 'topics-changed', 'unsubscribed', 'erased'] as const;

const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes, e.g. "protezione-civile"');

const LANGUAGE_RULE = 'must be a language tag such as "it" or "en"';

/**
 * A BCP 47 tag in its canonical case (`IT` → `it`, `en-gb` → `en-GB`), so that a subscriber's
 * language matches the announcement's content keys however a contact list spelled it.
 */
export const languageTag = z
  .string()
  .max(35, LANGUAGE_RULE)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, LANGUAGE_RULE)
  .transform((tag, context) => {
    try {
      return Intl.getCanonicalLocales(tag)[0] ?? tag;
    } catch {
      context.addIssue({ code: 'custom', message: LANGUAGE_RULE });
      return z.NEVER;
    }
  });

/** Input to add or re-subscribe one address on one channel. */
export const subscriberInputSchema = z.object({
  /** Channel name, e.g. `telegram`. */
  channel: z.string().min(1, 'is required').max(64, 'must be at most 64 characters'),
  /** The channel's address (chat id, phone number, serialised push subscription). Personal data. */
  address: z.string().min(1, 'is required').max(4096, 'must be at most 4,096 characters'),
  /** Topic slugs; empty means "everything". */
  topics: z.array(slug).max(50, 'must hold at most 50 topics').default([]),
  /** Area slugs; empty means "the whole comune". */
  areas: z.array(slug).max(200, 'must hold at most 200 areas').default([]),
  /** Preferred language tag. */
  language: languageTag.default('it'),
  /** Optional id grouping one citizen's several addresses (reserved for later use). */
  citizenId: z.string().max(128, 'must be at most 128 characters').optional(),
});

/** Validated subscriber input. */
export type SubscriberInput = z.output<typeof subscriberInputSchema>;
/** Subscriber status. */
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];
/** Consent method. */
export type ConsentMethod = (typeof CONSENT_METHODS)[number];
/** Consent event kind. */
export type ConsentKind = (typeof CONSENT_KINDS)[number];

/** One citizen reachable at one address on one channel. */
export interface Subscriber {
  /** Store-assigned id; safe to log. */
  id: string;
  channel: string;
  /** Personal data: never put it in an error, event or report. */
  address: string;
  topics: string[];
  areas: string[];
  language: string;
  status: SubscriberStatus;
  citizenId?: string;
  /** ISO time of creation. */
  createdAt: string;
  /** ISO time of the last change. */
  updatedAt: string;
}

/** One entry of the append-only consent ledger. */
export interface ConsentEvent {
  subscriberId: string;
  kind: ConsentKind;
  /** ISO time. */
  at: string;
  channel: string;
  method: ConsentMethod;
  /** Version of the privacy notice the citizen was shown, e.g. `"2026-03"`. */
  noticeVersion: string;
  /** Topics after the event, for `subscribed` and `topics-changed`. */
  topics?: string[];
}

/** Fields of a subscriber that may change after creation. */
export interface SubscriberPatch {
  topics?: string[];
  areas?: string[];
  language?: string;
  status?: SubscriberStatus;
  address?: string;
}
