import type { AnnouncementInput } from '@banditore/core';

/** The comune's topics, as the bot, the feed and the widget show them. */
export const TOPICS = [
  { id: 'eventi', label: { it: 'Eventi', en: 'Events' } },
  { id: 'meteo', label: { it: 'Meteo', en: 'Weather' } },
  { id: 'viabilita', label: { it: 'Viabilità', en: 'Traffic' } },
  { id: 'protezione-civile', label: { it: 'Protezione civile', en: 'Civil protection' } },
];

/** Jesi-like numbers: ~600 Telegram subscribers; a few blocked the bot or deleted their account. */
export const POPULATION = { subscribers: 600, blocked: 24, deleted: 6, migrated: 2 };

/** The version of the privacy notice citizens accept. */
export const NOTICE_VERSION = '2026-11';

/** First chat id of the simulated citizens. */
export const FIRST_CHAT_ID = 100_000_001;

/** The topics of the i-th simulated citizen: a mix, a fifth with none (they get everything). */
export function topicsOf(index: number): string[] {
  switch (index % 5) {
    case 0:
      return [];
    case 1:
      return ['eventi'];
    case 2:
      return ['meteo', 'protezione-civile'];
    case 3:
      return ['eventi', 'viabilita'];
    default:
      return ['meteo'];
  }
}

/** The weekly events notice and a red weather alert, with ids unique to this run of the demo. */
export function announcements(stamp: string, now: number): { events: AnnouncementInput; alert: AnnouncementInput } {
  const hours = (n: number): string => new Date(now + n * 3600_000).toISOString();
  return {
    events: {
      id: `eventi-settimana-${stamp}`,
      severity: 'minor',
      topics: ['eventi'],
      sender: 'Comune di Jesi — Ufficio relazioni con il pubblico',
      content: {
        it: {
          headline: 'Gli appuntamenti della settimana a Jesi',
          body: 'Sabato mercato straordinario in piazza della Repubblica.\n\nDomenica alle 17 concerto al Teatro Pergolesi, ingresso libero fino a esaurimento posti.',
        },
        en: {
          headline: 'What is on in Jesi this week',
          body: 'Saturday: special market in Piazza della Repubblica.\n\nSunday 5 pm: free concert at Teatro Pergolesi.',
        },
      },
      links: [{ label: 'Programma completo', url: 'https://www.comune.jesi.an.it/eventi' }],
      expires: hours(7 * 24),
    },
    alert: {
      id: `allerta-meteo-${stamp}`,
      severity: 'severe',
      colorCode: 'rossa',
      urgency: 'expected',
      certainty: 'likely',
      event: 'Allerta meteo idrogeologica',
      topics: ['meteo', 'protezione-civile'],
      areaDescription: 'Tutto il territorio comunale, in particolare le zone lungo il fiume Esino',
      sender: 'Comune di Jesi — Protezione Civile',
      content: {
        it: {
          headline: 'Allerta rossa per rischio idrogeologico',
          body: 'Dalle 14 di oggi alle 12 di domani sono previste piogge intense e persistenti.',
          instruction:
            'Evitate i sottopassi e le zone vicine al fiume. Non sostate nei piani interrati. Seguite gli aggiornamenti della Protezione Civile.',
        },
        en: {
          headline: 'Red alert: flood risk',
          body: 'Heavy, persistent rain is expected from 2 pm today until noon tomorrow.',
          instruction: 'Avoid underpasses and areas near the river. Do not stay in basements.',
        },
      },
      links: [{ label: 'Numero emergenze', url: 'tel:112' }],
      effective: hours(0),
      expires: hours(22),
    },
  };
}
