/** One field of a Bot API method or type, as in the machine-readable spec. */
export interface SpecField {
  name: string;
  /** e.g. `["Integer", "String"]`, `["Array of InlineKeyboardButton"]`. */
  types: string[];
  required: boolean;
}

/** A method or an object type of the spec. */
export interface SpecEntry {
  name: string;
  fields?: SpecField[];
  /** For union types such as `MaybeInaccessibleMessage`. */
  subtypes?: string[];
}

/** The part of the Bot API spec the sandbox validates against. */
export interface SpecSubset {
  version: string;
  license: string;
  methods: Record<string, SpecEntry>;
  types: Record<string, SpecEntry>;
}

/** The Bot API methods the sandbox speaks (and the adapter uses). */
export const SANDBOX_METHODS = [
  'getMe',
  'sendMessage',
  'sendPhoto',
  'getUpdates',
  'setWebhook',
  'deleteWebhook',
  'answerCallbackQuery',
  'editMessageReplyMarkup',
  'editMessageText',
] as const;

/** A method the sandbox speaks. */
export type SandboxMethod = (typeof SANDBOX_METHODS)[number];

interface FullSpec {
  version: string;
  methods: Record<string, SpecEntry & { description?: unknown; href?: unknown }>;
  types: Record<string, SpecEntry & { description?: unknown; href?: unknown }>;
}

/**
 * Extracts the sandbox's methods, and every type they reference (transitively), from the full
 * machine-readable spec, keeping only names, types and required flags.
 *
 * @param full - The full spec (`bot-api-*.min.json`).
 * @param license - The spec's licence text, carried along in the subset.
 * @param methods - Methods to keep.
 * @returns The subset, with keys sorted so the output is stable.
 */
export function extractSpecSubset(
  full: FullSpec,
  license: string,
  methods: readonly string[] = SANDBOX_METHODS,
): SpecSubset {
  const slim = (entry: SpecEntry): SpecEntry => ({
    name: entry.name,
    ...(entry.fields ? { fields: entry.fields.map(({ name, types, required }) => ({ name, types, required })) } : {}),
    ...(entry.subtypes ? { subtypes: [...entry.subtypes] } : {}),
  });
  const types = new Map<string, SpecEntry>();
  const queue: string[] = [];
  const visit = (typeNames: readonly string[]): void => {
    for (const typeName of typeNames) {
      const base = typeName.replace(/^(Array of )+/, '');
      if (full.types[base] && !types.has(base)) queue.push(base);
    }
  };
  const out: SpecSubset = { version: full.version, license, methods: {}, types: {} };
  for (const method of methods) {
    const entry = full.methods[method];
    if (!entry) throw new Error(`The spec has no method ${method}`);
    out.methods[method] = slim(entry);
    for (const field of entry.fields ?? []) visit(field.types);
  }
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (types.has(name)) continue;
    const entry = full.types[name]!;
    types.set(name, slim(entry));
    for (const field of entry.fields ?? []) visit(field.types);
    visit(entry.subtypes ?? []);
  }
  for (const name of [...types.keys()].sort()) out.types[name] = types.get(name)!;
  return out;
}
