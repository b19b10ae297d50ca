import { announcementSchema, type Announcement, type AnnouncementInput } from '../domain/announcement.js';

/**
 * A valid routine announcement in Italian and English, for tests. Pass overrides to change fields.
 *
 * @param overrides - Fields to replace.
 * @returns A validated announcement.
 */
export function sampleAnnouncement(overrides: Partial<AnnouncementInput> = {}): Announcement {
  return announcementSchema.parse({
    id: 'eventi-settimana-48',
    severity: 'minor',
    topics: ['eventi'],
    content: {
      it: {
        headline: 'Gli eventi della settimana',
        body: 'Sabato mercato in piazza.\n\nDomenica concerto al teatro Pergolesi.',
      },
      en: { headline: 'Events this week', body: 'Saturday market in the square.' },
    },
    links: [{ label: 'Programma', url: 'https://www.comune.jesi.an.it/eventi' }],
    ...overrides,
  });
}

/**
 * An announcement whose text is full of markup, script payloads and length, for renderers.
 *
 * @returns A validated announcement.
 */
export function hostileAnnouncement(): Announcement {
  const payload = `<script>alert(1)</script><b onmouseover="x()">&amp; </b>"'\`<a href="javascript:void(0)">x</a>`;
  return announcementSchema.parse({
    id: 'hostile-1',
    severity: 'extreme',
    colorCode: 'rossa',
    topics: ['meteo'],
    content: {
      it: {
        headline: `Allerta ${payload}`.slice(0, 200),
        body: `${payload}\n\n${'Parola '.repeat(2_500)}`,
        instruction: `Restate in casa. ${payload}`,
      },
    },
    links: [{ label: `Info ${payload}`.slice(0, 200), url: 'https://example.org/a?b=<c>&d="e"' }],
  });
}
