import { describe, expect, it } from 'vitest';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { audienceFor, defaultPriority, isEmergency, matchesAudience } from './audience.js';

const subscriber = { channel: 'telegram', status: 'active' as const, topics: ['eventi'], areas: [] as string[] };

describe('audience rules', () => {
  it.each([
    ['extreme', undefined, true],
    ['severe', undefined, true],
    ['moderate', 'rossa', true],
    ['minor', 'arancione', true],
    ['moderate', 'gialla', false],
    ['minor', undefined, false],
    ['unknown', 'verde', false],
  ] as const)('severity %s with colour %s is an emergency: %s', (severity, colorCode, expected) => {
    const announcement = { severity, ...(colorCode ? { colorCode } : {}) };
    expect(isEmergency(announcement)).toBe(expected);
    expect(defaultPriority(announcement)).toBe(expected ? 'emergency' : 'normal');
  });

  it('sends a red alert to a subscriber of other topics only when emergencies reach everyone', () => {
    const alert = sampleAnnouncement({ severity: 'moderate', colorCode: 'rossa', topics: ['meteo'] });
    expect(matchesAudience(subscriber, audienceFor(alert, 'telegram', false))).toBe(false);
    expect(matchesAudience(subscriber, audienceFor(alert, 'telegram', true))).toBe(true);
    const routine = sampleAnnouncement({ topics: ['lavori'] });
    expect(matchesAudience(subscriber, audienceFor(routine, 'telegram', true))).toBe(false);
  });

  it('gives everything to a subscriber with no topics, and keeps areas apart', () => {
    const everything = { ...subscriber, topics: [] };
    const inCentro = sampleAnnouncement({ topics: ['lavori'], areas: ['centro'] });
    expect(matchesAudience(everything, audienceFor(inCentro, 'telegram', false))).toBe(true);
    expect(matchesAudience({ ...everything, areas: ['smia'] }, audienceFor(inCentro, 'telegram', false))).toBe(false);
    expect(matchesAudience({ ...everything, status: 'unsubscribed' }, audienceFor(inCentro, 'telegram', false))).toBe(
      false,
    );
  });
});
