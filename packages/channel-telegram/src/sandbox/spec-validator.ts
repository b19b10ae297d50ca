import type { SpecEntry, SpecField, SpecSubset } from './spec-subset.js';

/** The outcome of validating one call's parameters. */
export type ValidationResult = { ok: true; params: Record<string, unknown> } | { ok: false; description: string };

/** Telegram's own wording for the two parameters every send needs. */
const EMPTY_MESSAGES: Record<string, string> = {
  chat_id: 'Bad Request: chat_id is empty',
  text: 'Bad Request: message text is empty',
};

const MAX_DEPTH = 8;

/**
 * Validates Bot API parameters against the spec: required fields, primitive types, arrays and
 * nested objects (recursively), and, when `strict`, fields the spec does not know (Telegram
 * ignores those silently, which hides typos such as `disable_notifications`).
 *
 * Form-encoded and query parameters arrive as strings; they are coerced the way Telegram does
 * (numbers, booleans, JSON-serialised objects) and returned normalised.
 *
 * @param spec - The spec subset.
 * @param method - A method name present in the spec.
 * @param input - The parameters as received.
 * @param strict - Reject unknown fields.
 * @returns Normalised parameters, or a `Bad Request: …` description.
 */
export function validateParams(
  spec: SpecSubset,
  method: string,
  input: Record<string, unknown>,
  strict: boolean,
): ValidationResult {
  const entry = spec.methods[method];
  if (!entry) return { ok: false, description: 'Not Found' };
  const result = validateObject(spec, entry.fields ?? [], input, '', strict, 0);
  return typeof result === 'string' ? { ok: false, description: result } : { ok: true, params: result };
}

function validateObject(
  spec: SpecSubset,
  fields: readonly SpecField[],
  input: Record<string, unknown>,
  prefix: string,
  strict: boolean,
  depth: number,
): Record<string, unknown> | string {
  if (depth > MAX_DEPTH) return `Bad Request: field "${prefix}" is nested too deeply`;
  const output: Record<string, unknown> = {};
  for (const field of fields) {
    const path = `${prefix}${field.name}`;
    const value = input[field.name];
    if (value === undefined || value === null) {
      if (field.required)
        return prefix === ''
          ? (EMPTY_MESSAGES[field.name] ?? `Bad Request: ${path} is empty`)
          : `Bad Request: field "${path}" is required`;
      continue;
    }
    const checked = validateValue(spec, field.types, value, path, strict, depth);
    if (checked.error !== undefined) return checked.error;
    output[field.name] = checked.value;
  }
  if (strict) {
    const known = new Set(fields.map((field) => field.name));
    const unknown = Object.keys(input).find((key) => !known.has(key) && input[key] !== undefined);
    if (unknown !== undefined) return `Bad Request: unknown parameter "${prefix}${unknown}"`;
  }
  return output;
}

type Checked = { value: unknown; error?: undefined } | { value?: undefined; error: string };

function validateValue(
  spec: SpecSubset,
  types: readonly string[],
  value: unknown,
  path: string,
  strict: boolean,
  depth: number,
): Checked {
  let firstError: string | undefined;
  for (const type of types) {
    const checked = validateType(spec, type, value, path, strict, depth);
    if (checked.error === undefined) return checked;
    firstError ??= checked.error;
  }
  // A nested error says more than "wrong type" when only one type was possible.
  return {
    error:
      types.length === 1 && firstError
        ? firstError
        : `Bad Request: field "${path}" must be of type ${types.join(' or ')}`,
  };
}

function validateType(
  spec: SpecSubset,
  type: string,
  value: unknown,
  path: string,
  strict: boolean,
  depth: number,
): Checked {
  const wrong: Checked = { error: `Bad Request: field "${path}" must be of type ${type}` };
  if (type.startsWith('Array of ')) {
    const array = typeof value === 'string' ? parseJson(value) : value;
    if (!Array.isArray(array)) return wrong;
    const items: unknown[] = [];
    for (const [index, item] of array.entries()) {
      const checked = validateValue(
        spec,
        [type.slice('Array of '.length)],
        item,
        `${path}[${index}]`,
        strict,
        depth + 1,
      );
      if (checked.error !== undefined) return checked;
      items.push(checked.value);
    }
    return { value: items };
  }
  switch (type) {
    case 'Integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return { value };
      if (typeof value === 'string' && /^-?\d{1,16}$/.test(value)) return { value: Number(value) };
      return wrong;
    case 'Float':
      if (typeof value === 'number' && Number.isFinite(value)) return { value };
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
        return { value: Number(value) };
      return wrong;
    case 'Boolean':
      if (typeof value === 'boolean') return { value };
      if (value === 'true' || value === 'false') return { value: value === 'true' };
      return wrong;
    case 'String':
      return typeof value === 'string' ? { value } : wrong;
    case 'InputFile':
      // Uploads need multipart, which the sandbox does not take; a string is checked as String instead.
      return wrong;
    default:
      return validateNamedType(spec, spec.types[type], value, path, strict, depth);
  }
}

function validateNamedType(
  spec: SpecSubset,
  entry: SpecEntry | undefined,
  value: unknown,
  path: string,
  strict: boolean,
  depth: number,
): Checked {
  const object = typeof value === 'string' ? parseJson(value) : value;
  if (entry === undefined || typeof object !== 'object' || object === null || Array.isArray(object)) {
    return { error: `Bad Request: field "${path}" must be an object` };
  }
  if (entry.subtypes) return validateValue(spec, entry.subtypes, object, path, strict, depth + 1);
  if (!entry.fields) return { value: object };
  const result = validateObject(spec, entry.fields, object as Record<string, unknown>, `${path}.`, strict, depth + 1);
  return typeof result === 'string' ? { error: result } : { value: result };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
