import type { Announcement } from '@banditore/core';

/**
 * A draft announcement made by a source. Nothing is sent because a draft exists: an operator
 * approves it, unless the comune opted in to automatic publication for that source and severity.
 */
export interface SourceDraft {
  /** The source that made it: `ingv`, `dpc`, `meteoalarm`, or a custom source's name. */
  source: string;
  /**
   * The situation it describes (an INGV event id, a DPC zone and day, a MeteoAlarm region, type
   * and day). A later draft with the same key is a revision: an update, never a second alert.
   */
  key: string;
  /** The announcement, validated; `sent` is set when it is published. */
  announcement: Announcement;
  /**
   * Nothing to announce by itself (a DPC day back to green, an event under the threshold): kept
   * only to update or call off what was published earlier under the same key.
   */
  quiet?: boolean;
  /**
   * What makes this draft news, when the source knows better than the text: a DPC day is the same
   * news while its colour and risks stay the same, whichever bulletin repeats it.
   * @defaultValue the announcement without its id, type, references, revision and sent time
   */
  fingerprint?: string;
}

/** An official feed turned into drafts: where to fetch it and how to read it. */
export interface AlertSource {
  /** Short name used in events and as the drafts' `source`. */
  readonly name: string;
  /**
   * The URL to fetch now. A function of the time so that a source can ask for a window (INGV's
   * `starttime`); it should stay the same between polls when it can, for conditional requests.
   */
  url(nowMs: number): string;
  /**
   * Reads a response body.
   *
   * @throws SourceParseError when the body is not what this source serves.
   */
  parse(body: string, contentType: string | undefined, nowMs: number): SourceDraft[];
}

const SOURCE_PARSE_ERROR = Symbol.for('banditore.SourceParseError');

/** A source answered, but with a body it cannot read (garbage, HTML error page, wrong format). */
export class SourceParseError extends Error {
  override readonly name = 'SourceParseError';
  readonly [SOURCE_PARSE_ERROR] = true;
}

/** Tells whether a value is a {@link SourceParseError}, even from another installed copy. */
export function isSourceParseError(value: unknown): value is SourceParseError {
  return typeof value === 'object' && value !== null && SOURCE_PARSE_ERROR in value;
}
