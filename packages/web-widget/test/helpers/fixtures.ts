import type { AnnouncementInput } from '@banditore/core';

const HOUR = 3_600_000;

/** An announcement at each level the widget knows, with every field it shows. */
export function announcementFor(
  level: 'critical' | 'high' | 'medium' | 'info' | 'all-clear',
  now = Date.now(),
): AnnouncementInput {
  const common = {
    effective: new Date(now - HOUR).toISOString(),
    expires: new Date(now + 24 * HOUR).toISOString(),
    sender: 'Comune di Prova — Protezione Civile',
    links: [{ label: 'Bollettino della Protezione Civile', url: 'https://protezionecivile.example/bollettino.pdf' }],
  };
  switch (level) {
    case 'critical':
      return {
        ...common,
        id: 'allerta-rossa',
        severity: 'extreme',
        colorCode: 'rossa',
        urgency: 'immediate',
        event: 'Allerta meteo idrogeologica',
        topics: ['meteo', 'protezione-civile'],
        areaDescription: 'Zone lungo il fiume Esino',
        content: {
          it: {
            headline: 'Esondazione del fiume Esino: lasciate i piani bassi',
            body: 'Il livello del fiume supera la soglia di pericolo.\n\nLe scuole restano chiuse.',
            instruction: 'Salite ai piani alti, non usate l’auto, non scendete in cantina.',
          },
        },
      };
    case 'high':
      return {
        ...common,
        id: 'allerta-arancione',
        severity: 'severe',
        colorCode: 'arancione',
        topics: ['meteo'],
        content: { it: { headline: 'Temporali forti nel pomeriggio', instruction: 'Evitate i sottopassi.' } },
      };
    case 'medium':
      return {
        ...common,
        id: 'allerta-gialla',
        severity: 'moderate',
        colorCode: 'gialla',
        topics: ['meteo'],
        content: { it: { headline: 'Vento forte fino a sera', body: 'Raffiche fino a 70 km/h.' } },
      };
    case 'info':
      return {
        ...common,
        id: 'chiusura-via-roma',
        severity: 'minor',
        topics: ['viabilita'],
        areaDescription: 'Via Roma, tra piazza della Repubblica e via Garibaldi',
        content: {
          it: { headline: 'Chiusura di via Roma per lavori', body: 'Dalle 8 alle 18 la strada è chiusa al traffico.' },
        },
      };
    case 'all-clear':
      return {
        ...common,
        id: 'fine-allerta',
        type: 'cancel',
        references: ['allerta-precedente'],
        severity: 'moderate',
        topics: ['meteo'],
        content: { it: { headline: 'Cessata allerta per neve', body: 'Le strade sono di nuovo percorribili.' } },
      };
  }
}

/** Every level, most severe first. */
export const ALL_LEVELS = ['critical', 'high', 'medium', 'info', 'all-clear'] as const;
