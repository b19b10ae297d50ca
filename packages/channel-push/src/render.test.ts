import { announcementSchema } from '@banditore/core';
import { describe, expect, it } from 'vitest';
import { renderFcmMessage } from './fcm/fcm-render.js';
import { renderPushMessage, type PushPayload } from './render.js';
import { announcementInput } from './test/rig.js';

const parse = (input: Parameters<typeof announcementInput>[0] = {}) =>
  announcementSchema.parse(announcementInput(input));
const payloadOf = (plaintext: Buffer) => JSON.parse(plaintext.toString()) as PushPayload;

describe('renderPushMessage', () => {
  it('renders title, body, severity, url and tag in the subscriber language', () => {
    const message = renderPushMessage(parse(), 'it');
    expect(payloadOf(message.plaintext)).toEqual({
      title: 'Allerta arancione per temporali',
      body: 'Evitare i sottopassi.\n\nRestare in casa.',
      severity: 'severe',
      url: 'https://www.comune.jesi.an.it/avvisi/allerta-2026-12-06',
      tag: 'allerta-2026-12-06',
      lang: 'it',
    });
    expect(payloadOf(renderPushMessage(parse(), 'en').plaintext).title).toBe('Orange alert for storms');
    expect(payloadOf(renderPushMessage(parse(), 'de').plaintext).lang).toBe('it');
  });

  it.each<['extreme' | 'severe' | 'moderate' | 'minor' | 'unknown', string]>([
    ['extreme', 'high'],
    ['severe', 'high'],
    ['moderate', 'normal'],
    ['unknown', 'normal'],
    ['minor', 'low'],
  ])('maps severity %s to Urgency %s', (severity, urgency) => {
    expect(renderPushMessage(parse({ severity }), 'it').urgency).toBe(urgency);
  });

  it('marks an exercise and a test in the title, on Web Push and FCM alike', () => {
    const exercise = parse({ status: 'exercise' });
    expect(payloadOf(renderPushMessage(exercise, 'it').plaintext).title).toBe(
      '[ESERCITAZIONE] Allerta arancione per temporali',
    );
    expect(payloadOf(renderPushMessage(exercise, 'en').plaintext).title).toBe('[EXERCISE] Orange alert for storms');
    expect(renderFcmMessage(parse({ status: 'test' }), 'it').notification.title).toBe(
      '[PROVA] Allerta arancione per temporali',
    );
    expect(renderFcmMessage(parse(), 'it').notification.title).toBe('Allerta arancione per temporali');
  });

  it('gives an update and a cancellation the topic of the alert they replace', () => {
    const alert = renderPushMessage(parse(), 'it');
    const update = renderPushMessage(
      parse({ id: 'allerta-2026-12-06-b', type: 'update', references: ['allerta-2026-12-06'] }),
      'it',
    );
    const other = renderPushMessage(parse({ id: 'altro' }), 'it');
    expect(alert.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(update.topic).toBe(alert.topic);
    expect(payloadOf(update.plaintext).tag).toBe('allerta-2026-12-06');
    expect(other.topic).not.toBe(alert.topic);
  });

  it('cuts a long body with an ellipsis so the JSON fits the payload budget', () => {
    const long = 'Pioggia intensa «forte» 🌧️ '.repeat(600);
    const message = renderPushMessage(parse({ content: { it: { headline: 'Titolo', body: long } } }), 'it', 1024);
    expect(message.plaintext.length).toBeLessThanOrEqual(1024);
    expect(message.plaintext.length).toBeGreaterThan(900);
    expect(payloadOf(message.plaintext).body.endsWith('…')).toBe(true);
    expect(
      renderPushMessage(parse({ content: { it: { headline: 'T', body: long } } }), 'it').plaintext.length,
    ).toBeLessThanOrEqual(3072);
  });
});
