/**
 * CAP 1.2 for Banditore: strict parsing and validation, conversion between CAP alerts and
 * announcements, CAP 1.2 XML export, the feed's alerts as CAP and Atom, and draft
 * announcements from the official sources (INGV, DPC, MeteoAlarm) with a poller and an
 * approval desk.
 *
 * @module
 */

// CAP model
export {
  CAP_CATEGORIES,
  CAP_CERTAINTIES,
  CAP_MSG_TYPES,
  CAP_NAMESPACE,
  CAP_RESPONSE_TYPES,
  CAP_SCOPES,
  CAP_SEVERITIES,
  CAP_STATUSES,
  CAP_URGENCIES,
  type CapAlert,
  type CapArea,
  type CapInfo,
  type CapReference,
  type CapResource,
  type CapValuePair,
} from './cap-types.js';

// Errors
export {
  CapValidationError,
  isCapValidationError,
  type CapErrorCode,
  type CapIssue,
  type CapIssueKind,
} from './cap-error.js';

// Parse, validate, write
export { parseCap, safeParseCap, type ParseCapOptions, type ParseCapResult } from './parse-cap.js';
export { isCapDateTime, validateCapAlert } from './validate-cap.js';
export { toCapXml } from './write-cap.js';
export { formatCapDateTime } from './cap-dates.js';

// Announcements
export {
  CAP_DEFAULT_LANGUAGE,
  COLOR_PARAMETER,
  capToAnnouncements,
  defaultIdFor,
  type CapToAnnouncementOptions,
  type ConvertedCap,
} from './cap-to-announcement.js';
export { STATUS_NOTES, announcementToCap, type AnnouncementToCapOptions } from './announcement-to-cap.js';
export { DEFAULT_CATEGORY_TOPICS, defaultCategoriesFor, defaultTopicsFor, type CapCategory } from './categories.js';

// Publication: Atom index + one CAP document per alert, beside the core feed's JSON
export { createCapFeed, type CapFeed, type CapFeedEvent, type CapFeedOptions } from './cap-feed.js';
export { feedAlertToAnnouncement } from './feed-alert.js';

// Sources: official feeds → draft announcements
export { SourceParseError, isSourceParseError, type AlertSource, type SourceDraft } from './sources/source.js';
export {
  createIngvSource,
  ingvDrafts,
  parseIngvText,
  parseQuakeMl,
  severityForMagnitude,
  type IngvSourceOptions,
  type QuakeEvent,
} from './sources/ingv.js';
export {
  createDpcSource,
  dpcDrafts,
  parseDpcCap,
  parseDpcIndex,
  type DpcRisk,
  type DpcSourceOptions,
  type DpcZoneBulletin,
  type DpcZoneDay,
} from './sources/dpc.js';
export {
  METEOALARM_ATTRIBUTION,
  METEOALARM_DISCLAIMER,
  METEOALARM_DISCLAIMER_IT,
  awarenessOf,
  createMeteoalarmSource,
  meteoalarmDrafts,
  meteoalarmToCap,
  type AwarenessLevel,
  type MeteoalarmSourceOptions,
} from './sources/meteoalarm.js';
export {
  createSourcePoller,
  type PollOutcome,
  type SourceEvent,
  type SourceFailureReason,
  type SourcePoller,
  type SourcePollerOptions,
} from './sources/poller.js';
export {
  createDraftDesk,
  type DeskEvent,
  type DraftDesk,
  type DraftDeskOptions,
  type DraftDeskState,
  type PendingDraft,
} from './sources/desk.js';
export { distanceKm, type LatLon } from './sources/geo.js';
