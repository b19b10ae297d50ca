/** The commands the bot understands. */
export type BotCommand = 'start' | 'stop' | 'topics' | 'language' | 'help' | 'privacy';

/** Italian and English names of each command; Telegram shows the ones set with BotFather. */
const ALIASES: Record<string, BotCommand> = {
  start: 'start',
  stop: 'stop',
  argomenti: 'topics',
  topics: 'topics',
  lingua: 'language',
  language: 'language',
  aiuto: 'help',
  help: 'help',
  privacy: 'privacy',
};

/** A parsed command: which one, and its argument (the deep-link payload for `/start`). */
export interface ParsedCommand {
  command: BotCommand | 'unknown';
  argument: string;
}

/**
 * Parses a message text as a bot command: `/name`, optionally `@botname`, then an argument.
 *
 * @param text - The message text.
 * @returns The command, `unknown` for an unknown `/name`, or `undefined` when the text is not a command.
 * @example
 * ```ts
 * parseCommand('/start meteo-viabilita') // { command: 'start', argument: 'meteo-viabilita' }
 * ```
 */
export function parseCommand(text: string): ParsedCommand | undefined {
  const match = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{1,64})?(?:\s+([^]*))?$/.exec(text.trim());
  if (!match) return undefined;
  return { command: ALIASES[match[1]!.toLowerCase()] ?? 'unknown', argument: (match[2] ?? '').trim() };
}

/**
 * Reads the topics a deep-link payload asks for (`t.me/<bot>?start=meteo-viabilita`).
 *
 * Telegram allows only `A-Z a-z 0-9 _ -` in a payload, and topic ids contain dashes
 * (`protezione-civile`), so the payload is cut at `-` and `_` and the pieces are matched
 * greedily, longest known topic first. Unknown pieces are skipped: a payload is a wish, and
 * anyone can forge one, so it only ever chooses among the comune's own topics.
 *
 * @param payload - The `/start` argument.
 * @param topicIds - The comune's topic ids.
 * @returns Recognised topic ids (no duplicates, in payload order) and whether something was not recognised.
 * @example
 * ```ts
 * parseStartPayload('meteo-protezione-civile', ['meteo', 'protezione-civile']) // { topics: ['meteo', 'protezione-civile'], unknown: false }
 * ```
 */
export function parseStartPayload(
  payload: string,
  topicIds: readonly string[],
): { topics: string[]; unknown: boolean } {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(payload)) return { topics: [], unknown: payload !== '' };
  const known = new Set(topicIds);
  const pieces = payload.toLowerCase().split(/[-_]+/).filter(Boolean);
  const topics: string[] = [];
  let unknown = false;
  for (let start = 0; start < pieces.length;) {
    let end = pieces.length;
    while (end > start && !known.has(pieces.slice(start, end).join('-'))) end--;
    if (end === start) {
      unknown = true;
      start++;
      continue;
    }
    const topic = pieces.slice(start, end).join('-');
    if (!topics.includes(topic)) topics.push(topic);
    start = end;
  }
  return { topics, unknown };
}
