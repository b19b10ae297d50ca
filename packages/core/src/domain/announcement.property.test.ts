import fc from 'fast-check';
import { describe, it } from 'vitest';
import { announcementInput, containsCanary } from '../../../../vitest.arbitraries.js';
import { checkProperty, PROPERTY_TIMEOUT_MS } from '../../../../vitest.property.js';
import { isConfigError, MAX_CONFIG_MESSAGE_CHARS, parseOrThrow } from '../errors.js';
import { announcementSchema, type Announcement } from './announcement.js';
import { hasVisibleText } from './visible-text.js';

const BOUNDARY = 'announcement schema';
const ALLOWED_LINK = /^(https:|tel:|mailto:)/;

/** The properties every accepted announcement has. */
function assertValid(announcement: Announcement): void {
  const languages = Object.keys(announcement.content);
  if (languages.length === 0 || languages.includes('__proto__')) throw new Error('bad languages');
  for (const text of Object.values(announcement.content)) {
    if (!hasVisibleText(text.headline)) throw new Error('an invisible headline was accepted');
  }
  for (const link of announcement.links) {
    if (!ALLOWED_LINK.test(link.url) || !hasVisibleText(link.label)) throw new Error('a bad link was accepted');
  }
}

/** The properties every refusal has: a ConfigError, bounded, naming fields, echoing no planted value or key. */
function assertRefusal(error: unknown): void {
  if (!isConfigError(error)) throw error;
  const text = `${error.message}\n${error.fields.join('\n')}`;
  if (containsCanary(text)) throw new Error(`the error echoes input: ${text}`);
  if (error.message.length > MAX_CONFIG_MESSAGE_CHARS) throw new Error('the message is unbounded');
  if (error.fields.length === 0 || error.fields.some((field) => field.length > 200)) throw new Error('bad fields');
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

describe('announcement schema under generated input', () => {
  it(
    'parses any input into a valid announcement or a ConfigError that echoes nothing',
    async () => {
      const durations: number[] = [];
      const prototypeNames = Object.getOwnPropertyNames(Object.prototype).join();
      await checkProperty(
        BOUNDARY,
        'valid or ConfigError',
        fc.property(announcementInput, (input) => {
          let parsed: Announcement | undefined;
          let refusal: unknown;
          // The cost of one validation is the best of three timings: on a shared machine a single
          // timing also measures the scheduler and the collector.
          let best = Infinity;
          for (let round = 0; round < 3; round++) {
            const started = performance.now();
            try {
              parsed = parseOrThrow('announcement', announcementSchema, input);
            } catch (error) {
              refusal = error;
            }
            best = Math.min(best, performance.now() - started);
          }
          durations.push(best);
          if (parsed) assertValid(parsed);
          else assertRefusal(refusal);
          if (Object.getOwnPropertyNames(Object.prototype).join() !== prototypeNames) {
            throw new Error('Object.prototype changed');
          }
        }),
        { test: 300, fuzz: 40_000 },
        () => ({ p50Ms: percentile(durations, 50), p99Ms: percentile(durations, 99) }),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'answers any JSON value, not only announcement-shaped ones',
    async () => {
      await checkProperty(
        BOUNDARY,
        'any JSON',
        fc.property(fc.jsonValue(), (input) => {
          const result = announcementSchema.safeParse(input);
          if (!result.success) assertRefusal(captured(input));
        }),
        { test: 200, fuzz: 10_000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

function captured(input: unknown): unknown {
  try {
    parseOrThrow('announcement', announcementSchema, input);
  } catch (error) {
    return error;
  }
  return new Error('parsed the second time');
}
