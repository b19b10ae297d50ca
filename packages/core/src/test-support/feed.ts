import type { AnnouncementInput } from '../domain/announcement.js';

/** A valid announcement for feed tests, with overrides. Not exported from the package. */
export function announcement(overrides: Partial<AnnouncementInput> = {}): AnnouncementInput {
  return {
    id: 'allerta-1',
    severity: 'severe',
    colorCode: 'arancione',
    topics: ['meteo'],
    content: {
      it: {
        headline: 'Allerta arancione per temporali',
        body: 'Dalle 14 alle 20.',
        instruction: 'Evitate i sottopassi.',
      },
    },
    ...overrides,
  };
}

/** One parsed Server-Sent Event. */
export interface ParsedEvent {
  event: string;
  id: string | undefined;
  data: string;
}

/**
 * Reads an event stream, yielding events and comments (as `event: 'comment'`), until `signal` aborts.
 * A deliberately small parser written from the SSE format, independent of the code under test.
 */
export async function* readEvents(
  response: Response,
): AsyncGenerator<ParsedEvent | { event: 'comment' | 'retry'; id: undefined; data: string }> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value;
    let index: number;
    while ((index = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, index);
      buffer = buffer.slice(index + 2);
      let event = 'message';
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) yield { event: 'comment', id: undefined, data: line.slice(1).trim() };
        else if (line.startsWith('retry:')) yield { event: 'retry', id: undefined, data: line.slice(6).trim() };
        else if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('id:')) id = line.slice(3).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) yield { event, id, data: data.join('\n') };
    }
  }
}
