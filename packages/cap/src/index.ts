/**
 * CAP 1.2 for Banditore: strict parsing and validation, conversion between CAP alerts and
 * announcements, and CAP 1.2 XML export.
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
export { createCapFeed, type CapFeed, type CapFeedOptions } from './cap-feed.js';
export { feedAlertToAnnouncement } from './feed-alert.js';
