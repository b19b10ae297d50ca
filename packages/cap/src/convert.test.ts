import { describe, expect, it } from 'vitest';
import { announcementToCap } from './announcement-to-cap.js';
import { capToAnnouncements } from './cap-to-announcement.js';
import { parseCap } from './parse-cap.js';
import { listData, readData } from './test-support/data.js';
import { xmllintSchema } from './test-support/xmllint.js';
import { toCapXml } from './write-cap.js';

const samples = [...listData('cap/samples', '.xml'), ...listData('dpc/cap', '.xml')].filter(
  (file) => !file.includes('invalid'),
);
const SENDER = 'protezione.civile@comune.jesi.an.it';

describe('CAP ↔ announcement on the real samples', () => {
  it.each(samples)('%s converts to announcements and back to the same CAP, XSD-valid', (file) => {
    const alert = parseCap(readData(file));
    const options = file.startsWith('dpc/') ? { assumeLanguage: 'it' } : {};
    const converted = capToAnnouncements(alert, options);
    expect(converted.length).toBeGreaterThan(0);
    for (const { announcement, cap } of converted) {
      const back = announcementToCap(announcement, { sender: SENDER, base: cap, ...options });
      expect(back).toEqual(cap);
      const xml = toCapXml(back);
      expect(xmllintSchema(xml).valid).toBe(true);
      // And through XML again: the announcement is a fixed point.
      const [again] = capToAnnouncements(parseCap(xml), options);
      // (A band exported alone is a one-band alert: its id loses the band suffix.)
      expect({ ...again?.announcement, id: announcement.id }).toEqual(announcement);
    }
    if (converted.length === 1) {
      const { signed: _signed, ...unsigned } = alert;
      expect(converted[0]!.cap).toEqual(unsigned);
      expect(
        parseCap(toCapXml(announcementToCap(converted[0]!.announcement, { sender: SENDER, base: alert, ...options }))),
      ).toEqual(unsigned);
    }
  });

  it('maps the Seychelles wind alert field by field', () => {
    const [converted] = capToAnnouncements(parseCap(readData('cap/samples/sc-no_signature.xml')));
    expect(converted?.announcement).toMatchObject({
      id: 'urn:oid:2.49.0.0.690.0.2024.5.19.13.18.0',
      status: 'actual',
      type: 'alert',
      severity: 'moderate',
      urgency: 'immediate',
      certainty: 'observed',
      event: 'Strong Winds',
      topics: ['meteo'],
      areaDescription: 'Aldabra area',
      defaultLanguage: 'en',
      sender: 'Seychelles Meteorological Authority',
      sent: '2024-05-19T17:18:00+04:00',
      effective: '2024-05-19T17:30:00+04:00',
      expires: '2024-05-19T23:30:00+04:00',
      content: { en: { headline: 'Moderate to strong south-easterly winds over Aldabra area' } },
    });
    expect(converted?.announcement.links[0]?.url).toMatch(/^https:\/\/www\.meteo\.sc\/alerts\//);
    expect(converted?.cap.info[0]?.area[0]?.polygon).toHaveLength(1);
  });

  it('splits the DPC bulletin into one announcement per level, risk and day, keeping the zone geocodes', () => {
    const converted = capToAnnouncements(parseCap(readData('dpc/cap/Cap_20260118_1515.xml')), { assumeLanguage: 'it' });
    expect(converted).toHaveLength(13);
    expect(new Set(converted.map((c) => c.announcement.id)).size).toBe(13);
    expect(converted[0]?.announcement.id).toBe('DPC_BULLETIN_2026_01_18_117394:1');
    expect(converted[0]?.cap.info[0]?.area.map((area) => area.geocode[0]?.value)).toEqual(['Cala-7', 'Cala-6']);
    expect(converted[0]?.announcement.defaultLanguage).toBe('it');
  });
});

describe('announcementToCap without a base', () => {
  const announcement = {
    id: 'allerta-2026-05-16',
    severity: 'severe' as const,
    colorCode: 'arancione' as const,
    urgency: 'expected' as const,
    certainty: 'likely' as const,
    status: 'exercise' as const,
    event: 'Allerta idrogeologica',
    topics: ['meteo', 'protezione-civile'],
    areaDescription: 'Territorio comunale di Jesi',
    content: {
      it: {
        headline: 'Allerta arancione per rischio idrogeologico',
        body: 'Piogge intense & vento.',
        instruction: 'Evitare i sottopassi.',
      },
      en: { headline: 'Orange alert for landslides and floods' },
    },
    defaultLanguage: 'it',
    links: [{ label: 'Piano di protezione civile', url: 'https://www.comune.jesi.an.it/protezione-civile' }],
    image: { url: 'https://www.comune.jesi.an.it/mappa.png', alt: 'Mappa delle zone a rischio' },
    sender: 'Comune di Jesi — Protezione Civile',
    sent: '2026-05-16T15:22:00+02:00',
    effective: '2026-05-16T16:00:00.000Z',
    expires: '2026-05-17T23:59:59+02:00',
  };

  it('writes one info per language, default first, XSD-valid', () => {
    const cap = announcementToCap(announcement, {
      sender: SENDER,
      area: { areaDesc: 'Comune di Jesi', polygon: [], circle: [], geocode: [{ valueName: 'ISTAT', value: '042021' }] },
    });
    expect(cap.status).toBe('Exercise');
    expect(cap.info.map((info) => info.language)).toEqual(['it', 'en']);
    expect(cap.info[0]).toMatchObject({
      category: ['Met', 'Safety'],
      severity: 'Severe',
      effective: '2026-05-16T16:00:00-00:00',
      parameter: [{ valueName: 'allerta', value: 'arancione' }],
      resource: [
        {
          resourceDesc: 'Mappa delle zone a rischio',
          mimeType: 'image/png',
          uri: 'https://www.comune.jesi.an.it/mappa.png',
        },
      ],
      web: 'https://www.comune.jesi.an.it/protezione-civile',
      area: [{ areaDesc: 'Territorio comunale di Jesi', geocode: [{ valueName: 'ISTAT', value: '042021' }] }],
    });
    const xml = toCapXml(cap);
    expect(xml).toContain('Piogge intense &amp; vento.');
    expect(xmllintSchema(xml)).toMatchObject({ valid: true });
    const [back] = capToAnnouncements(parseCap(xml));
    expect(back?.announcement).toMatchObject({
      id: 'allerta-2026-05-16',
      status: 'exercise',
      colorCode: 'arancione',
      severity: 'severe',
      defaultLanguage: 'it',
      image: announcement.image,
      content: announcement.content,
    });
  });

  it('needs the referenced message for an update', () => {
    const update = {
      ...announcement,
      id: 'allerta-2026-05-16-agg',
      type: 'update' as const,
      references: ['allerta-2026-05-16'],
    };
    expect(() => announcementToCap(update, { sender: SENDER })).toThrow(/alert\/references/);
    const cap = announcementToCap(update, {
      sender: SENDER,
      references: (id) => ({ sender: SENDER, identifier: id, sent: '2026-05-16T15:22:00+02:00' }),
    });
    expect(toCapXml(cap)).toContain(`<references>${SENDER},allerta-2026-05-16,2026-05-16T15:22:00+02:00</references>`);
    expect(capToAnnouncements(parseCap(toCapXml(cap)))[0]?.announcement).toMatchObject({
      type: 'update',
      references: ['allerta-2026-05-16'],
    });
  });

  it('refuses System and Draft messages and Acks as announcements', () => {
    const alert = parseCap(readData('cap/samples/sc-no_signature.xml'));
    expect(() => capToAnnouncements({ ...alert, status: 'System' })).toThrow(
      expect.objectContaining({ code: 'CAP_UNSUPPORTED' }),
    );
    expect(() =>
      capToAnnouncements({
        ...alert,
        msgType: 'Ack',
        references: [{ sender: 'a', identifier: 'b', sent: alert.sent }],
      }),
    ).toThrow(expect.objectContaining({ code: 'CAP_UNSUPPORTED' }));
  });
});
