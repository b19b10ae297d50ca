import { z } from 'zod';

/** What a citizen can ask for by writing a word. */
export const KEYWORD_ACTIONS = ['subscribe', 'unsubscribe', 'topics', 'language', 'help', 'privacy'] as const;
/** A keyword action. */
export type KeywordAction = (typeof KEYWORD_ACTIONS)[number];
/** Languages the inbox replies in. */
export type InboxLanguage = 'it' | 'en';

const word = z
  .string()
  .trim()
  .min(2)
  .max(30)
  .regex(/^[\p{L}\p{N}]+$/u, 'must be one word of letters or digits');
const words = z.array(word).min(1).max(20);

/**
 * The keywords per action and language. A citizen's message matches when its first word equals
 * a keyword, ignoring case, accents and punctuation ("Stop!", "stop", "STÒP" all match STOP).
 */
export const keywordsSchema = z
  .object({
    subscribe: z.object({ it: words, en: words }),
    unsubscribe: z.object({ it: words, en: words }),
    topics: z.object({ it: words, en: words }),
    language: z.object({ it: words, en: words }),
    help: z.object({ it: words, en: words }),
    privacy: z.object({ it: words, en: words }),
  })
  .refine((keywords) => {
    // One word, one action: "STOP" cannot both unsubscribe and show the help.
    const actionOf = new Map<string, string>();
    for (const [action, byLanguage] of Object.entries(keywords)) {
      for (const keyword of [...byLanguage.it, ...byLanguage.en].map(normalise)) {
        if (actionOf.has(keyword) && actionOf.get(keyword) !== action) return false;
        actionOf.set(keyword, action);
      }
    }
    return true;
  }, 'a keyword must not belong to two actions');

/** The keywords as configured. */
export type WhatsAppKeywords = z.output<typeof keywordsSchema>;

/** The default keywords: ISCRIVIMI / ATTIVA / START subscribe, STOP / ANNULLA / CANCELLA unsubscribe, … */
export const DEFAULT_KEYWORDS: WhatsAppKeywords = {
  subscribe: { it: ['ISCRIVIMI', 'ATTIVA', 'ISCRIZIONE'], en: ['START', 'SUBSCRIBE', 'JOIN'] },
  unsubscribe: {
    it: ['STOP', 'ANNULLA', 'CANCELLA', 'DISATTIVA', 'DISISCRIVIMI'],
    en: ['UNSUBSCRIBE', 'CANCEL', 'QUIT'],
  },
  topics: { it: ['ARGOMENTI', 'TEMI'], en: ['TOPICS'] },
  language: { it: ['LINGUA'], en: ['LANGUAGE'] },
  help: { it: ['AIUTO', 'INFO'], en: ['HELP'] },
  privacy: { it: ['PRIVACY', 'INFORMATIVA'], en: ['DATA'] },
};

/** Upper case, no accents, letters and digits only. */
function normalise(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/** A recognised keyword. */
export interface MatchedKeyword {
  action: KeywordAction;
  /** The language of the keyword, a hint for the reply language of a new citizen. */
  language: InboxLanguage;
}

/**
 * Finds the action a message asks for: its first word against the keywords. Long texts are not
 * keywords (a citizen writing "non riesco a fermare…" is not asking to STOP), so only messages of
 * at most three words are considered.
 *
 * @param text - The message text (personal data: only inspected, never kept).
 * @param keywords - The configured keywords.
 * @returns The action and its language, or `undefined`.
 * @example
 * ```ts
 * matchKeyword('Stop!', DEFAULT_KEYWORDS) // { action: 'unsubscribe', language: 'it' }
 * ```
 */
export function matchKeyword(text: string, keywords: WhatsAppKeywords): MatchedKeyword | undefined {
  const pieces = text.trim().split(/\s+/u).filter(Boolean);
  if (pieces.length === 0 || pieces.length > 3) return undefined;
  const first = normalise(pieces[0]!);
  if (first === '') return undefined;
  for (const action of KEYWORD_ACTIONS) {
    for (const language of ['it', 'en'] as const) {
      if (keywords[action][language].some((keyword) => normalise(keyword) === first)) return { action, language };
    }
  }
  return undefined;
}

/**
 * The keyword shown to citizens for an action in a language (the first configured one).
 *
 * @param keywords - The configured keywords.
 * @param action - The action.
 * @param language - The reply language.
 * @returns The keyword in upper case.
 */
export function keywordFor(keywords: WhatsAppKeywords, action: KeywordAction, language: InboxLanguage): string {
  return keywords[action][language][0]!.toUpperCase();
}
