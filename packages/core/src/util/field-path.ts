import type { z } from 'zod';

/** What a caller-chosen key reads as in an error. */
export const MASKED_KEY = '<key>';

/** The parts of zod 4's schema definitions the path walk reads. */
interface Def {
  type: string;
  shape?: Record<string, Walkable>;
  valueType?: Walkable;
  element?: Walkable;
  items?: Walkable[];
  rest?: Walkable | null;
  innerType?: Walkable;
  in?: Walkable;
  out?: Walkable;
  options?: Walkable[];
  left?: Walkable;
  right?: Walkable;
  getter?: () => Walkable;
}
type Walkable = { _zod?: { def?: Def } } | undefined;

// A field name the project would write: camelCase letters only. Used where the schema cannot tell
// (no schema given, or below a `z.custom`), so a key like "SEKRET9431" or "mario.rossi" is masked.
const PLAIN_NAME = /^[a-z][A-Za-z]{0,39}$/;
// A two-letter language (optionally with a region) cannot carry a name or a number, and it tells
// a multilingual publisher which text failed.
const LANGUAGE_KEY = /^[a-z]{2}(-[A-Z]{2})?$/;
const MAX_DEPTH = 8;
const MAX_PATH_CHARS = 200;

/** The schemas that actually hold children, looking through optional/default/pipe/union/lazy. */
function structural(schemas: readonly Walkable[], depth = 0): Def[] {
  const out: Def[] = [];
  for (const schema of schemas) {
    const def = schema?._zod?.def;
    if (!def || depth > MAX_DEPTH) continue;
    const inner = [def.innerType, def.in, def.out, def.left, def.right, ...(def.options ?? [])].filter(Boolean);
    if (def.type === 'lazy' && def.getter) inner.push(def.getter());
    if (inner.length > 0) out.push(...structural(inner, depth + 1));
    else out.push(def);
  }
  return out;
}

/**
 * The children of `schemas` at one path segment, and how to print the segment.
 * `children` is `undefined` when the schema cannot say (from there on, only plain names show).
 */
function step(
  schemas: readonly Walkable[],
  segment: string | number,
  isKey: boolean,
): [string, Walkable[] | undefined] {
  const defs = structural(schemas);
  if (typeof segment === 'number') {
    const children = defs.flatMap((def) =>
      def.type === 'array'
        ? [def.element]
        : def.type === 'tuple'
          ? [def.items?.[segment] ?? def.rest ?? undefined]
          : [],
    );
    return [String(segment), children.length > 0 ? children : undefined];
  }
  const declared = isKey
    ? []
    : defs.flatMap((def) =>
        def.type === 'object' && def.shape && Object.hasOwn(def.shape, segment) ? [def.shape[segment]] : [],
      );
  if (declared.length > 0) return [segment, declared];
  const records = defs.flatMap((def) => (def.type === 'record' ? [def.valueType] : []));
  if (records.length > 0) return [!isKey && LANGUAGE_KEY.test(segment) ? segment : MASKED_KEY, records];
  return [!isKey && PLAIN_NAME.test(segment) ? segment : MASKED_KEY, undefined];
}

/**
 * Prints an issue's path as a dotted field name, masking every key the caller chose: record keys
 * (unless a two-letter language), the key an `invalid_key` issue is about, and, where the schema
 * cannot tell, anything that is not a plain camelCase name.
 *
 * @param schema - The schema that produced the issue, when known.
 * @param path - The path.
 * @param lastIsKey - Whether the last segment is a rejected key (`invalid_key`).
 * @returns For example `content.<key>.headline`, or `(root)` for an empty path.
 */
export function fieldPath(schema: z.ZodType | undefined, path: readonly PropertyKey[], lastIsKey: boolean): string {
  const parts: string[] = [];
  let current: Walkable[] | undefined = schema === undefined ? undefined : [schema];
  path.forEach((segment, index) => {
    const isKey = lastIsKey && index === path.length - 1;
    if (typeof segment === 'symbol') {
      parts.push(MASKED_KEY);
      current = undefined;
    } else if (current === undefined) {
      parts.push(
        typeof segment === 'number' ? String(segment) : !isKey && PLAIN_NAME.test(segment) ? segment : MASKED_KEY,
      );
    } else {
      const [printed, children] = step(current, segment, isKey);
      parts.push(printed);
      current = children;
    }
  });
  const joined = parts.join('.') || '(root)';
  return joined.length > MAX_PATH_CHARS ? `${joined.slice(0, MAX_PATH_CHARS - 1)}…` : joined;
}

/**
 * The field names an object schema declares at `path` (looking through optional, default, pipe,
 * union and lazy), or `[]` when the schema cannot say.
 *
 * @param schema - The schema that produced an issue.
 * @param path - The path, to the object.
 */
export function declaredKeysAt(schema: z.ZodType | undefined, path: readonly PropertyKey[]): string[] {
  let current: Walkable[] | undefined = schema === undefined ? undefined : [schema];
  for (const segment of path) {
    if (current === undefined || typeof segment === 'symbol') return [];
    current = step(current, segment, false)[1];
  }
  if (current === undefined) return [];
  return [
    ...new Set(
      structural(current).flatMap((def) => (def.type === 'object' && def.shape ? Object.keys(def.shape) : [])),
    ),
  ];
}

/**
 * The declared name an unknown key is a likely misspelling of: at most two edits away (and the
 * key long enough for that to mean something), or `undefined`.
 *
 * @param key - The unknown key.
 * @param declared - The names the schema declares there.
 */
export function likelyMeant(key: string, declared: readonly string[]): string | undefined {
  if (key.length < 4 || key.length > 40) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of declared) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, or `limit` once it is known to be at least that. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      rowMin = Math.min(rowMin, current[j]!);
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length]!, limit);
}
