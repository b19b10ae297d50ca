import { announcementSchema } from '@banditore/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { announcementInput, containsCanary, hostileText } from '../../../vitest.arbitraries.js';
import { checkProperty, PROPERTY_TIMEOUT_MS } from '../../../vitest.property.js';
import { announcementToCap } from './announcement-to-cap.js';
import { isCapValidationError } from './cap-error.js';
import { capToAnnouncements } from './cap-to-announcement.js';
import { parseCap, safeParseCap } from './parse-cap.js';
import { readData } from './test-support/data.js';
import { xmllintSchema } from './test-support/xmllint.js';
import { toCapXml } from './write-cap.js';

const BOUNDARY = 'cap';
const SENDER = 'protezione.civile@comune.jesi.an.it';
const SAMPLE = readData('cap/samples/sc-no_signature.xml');

/** A real document cut, spliced and salted with hostile text: what a broken or hostile server could send. */
const mangled = fc
  .tuple(fc.nat(SAMPLE.length), fc.nat(200), hostileText(4), fc.boolean())
  .map(([at, cut, text, insideElement]) => {
    const start = insideElement ? SAMPLE.indexOf('>', at) + 1 || at : at;
    return `${SAMPLE.slice(0, start)}${text}${SAMPLE.slice(start + cut)}`;
  });

describe('CAP boundary properties', () => {
  it(
    'parsing any text either returns a valid alert or a CapValidationError that quotes none of it',
    async () => {
      await checkProperty(
        BOUNDARY,
        'parse anything',
        fc.property(fc.oneof(mangled, hostileText(12)), (xml) => {
          const result = safeParseCap(xml);
          if (result.ok) {
            // Whatever it accepted, it can write back and read again.
            expect(parseCap(toCapXml(result.alert))).toEqual(result.alert);
            return;
          }
          expect(isCapValidationError(result.error)).toBe(true);
          expect(result.error.issues.length).toBeGreaterThan(0);
          expect(containsCanary(result.error.message)).toBe(false);
        }),
        { test: 300, fuzz: 20_000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'every valid announcement exports as XSD-valid CAP that reads back to the same alert and announcement',
    async () => {
      await checkProperty(
        BOUNDARY,
        'export any announcement',
        fc.property(announcementInput, (input) => {
          const parsed = announcementSchema.safeParse(input);
          if (!parsed.success) return;
          const announcement = parsed.data;
          let cap;
          try {
            cap = announcementToCap(announcement, {
              sender: SENDER,
              references: (id) => ({ sender: SENDER, identifier: id, sent: '2025-01-01T00:00:00+01:00' }),
            });
            toCapXml(cap);
          } catch (error) {
            // The only CAP rule an announcement can break that the core allows: sent after expiry.
            expect(isCapValidationError(error) && error.issues.every((issue) => issue.path.endsWith('/expires'))).toBe(
              true,
            );
            return;
          }
          const xml = toCapXml(cap);
          const lint = xmllintSchema(xml);
          expect(lint.output).toMatch(/validates$/);
          const back = parseCap(xml);
          expect(back).toEqual(cap);
          const [again] = capToAnnouncements(back, { idFor: (identifier) => identifier });
          expect(again?.announcement.severity).toBe(announcement.severity);
          expect(again?.announcement.status).toBe(announcement.status);
          expect(again?.announcement.type).toBe(announcement.type);
          expect(Object.keys(again?.announcement.content ?? {}).sort()).toEqual(
            Object.keys(announcement.content).sort(),
          );
        }),
        { test: 60, fuzz: 3_000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
