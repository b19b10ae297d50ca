/** The CAP 1.2 XML namespace. */
export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

/** CAP 1.2 `status` values. */
export const CAP_STATUSES = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
/** CAP 1.2 `msgType` values. */
export const CAP_MSG_TYPES = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const;
/** CAP 1.2 `scope` values. */
export const CAP_SCOPES = ['Public', 'Restricted', 'Private'] as const;
/** CAP 1.2 `category` values. */
export const CAP_CATEGORIES = [
  'Geo',
  'Met',
  'Safety',
  'Security',
  'Rescue',
  'Fire',
  'Health',
  'Env',
  'Transport',
  'Infra',
  'CBRNE',
  'Other',
] as const;
/** CAP 1.2 `responseType` values. */
export const CAP_RESPONSE_TYPES = [
  'Shelter',
  'Evacuate',
  'Prepare',
  'Execute',
  'Avoid',
  'Monitor',
  'Assess',
  'AllClear',
  'None',
] as const;
/** CAP 1.2 `urgency` values. */
export const CAP_URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
/** CAP 1.2 `severity` values. */
export const CAP_SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
/** CAP 1.2 `certainty` values. */
export const CAP_CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;

/** A `valueName`/`value` pair (`eventCode`, `parameter`, `geocode`). */
export interface CapValuePair {
  valueName: string;
  value: string;
}

/** One earlier message named in `references`: `sender,identifier,sent`. */
export interface CapReference {
  sender: string;
  identifier: string;
  /** CAP date-time, as written. */
  sent: string;
}

/** CAP `resource`: a file that goes with the alert. */
export interface CapResource {
  resourceDesc: string;
  mimeType: string;
  /** Size in bytes. */
  size?: number;
  uri?: string;
  /** The content itself, base64. */
  derefUri?: string;
  /** SHA-1 of the content, hex. */
  digest?: string;
}

/** CAP `area`. Coordinates are WGS 84 `lat,lon`; circle radius in km; altitude and ceiling in feet. */
export interface CapArea {
  areaDesc: string;
  /** Each polygon as written: at least four `lat,lon` pairs separated by spaces, first = last. */
  polygon: string[];
  /** Each circle as written: `lat,lon radius`. */
  circle: string[];
  geocode: CapValuePair[];
  altitude?: number;
  ceiling?: number;
}

/** CAP `info`: the alert in one language (or for one severity band). */
export interface CapInfo {
  /** RFC 3066 language tag; CAP's default when absent is `en-US`. */
  language?: string;
  category: (typeof CAP_CATEGORIES)[number][];
  event: string;
  responseType: (typeof CAP_RESPONSE_TYPES)[number][];
  urgency: (typeof CAP_URGENCIES)[number];
  severity: (typeof CAP_SEVERITIES)[number];
  certainty: (typeof CAP_CERTAINTIES)[number];
  audience?: string;
  eventCode: CapValuePair[];
  effective?: string;
  onset?: string;
  expires?: string;
  senderName?: string;
  headline?: string;
  description?: string;
  instruction?: string;
  web?: string;
  contact?: string;
  parameter: CapValuePair[];
  resource: CapResource[];
  area: CapArea[];
}

/**
 * A CAP 1.2 alert message, element for element. Date-times are kept as written (with their
 * offset), so a parsed alert exports back to the same values.
 */
export interface CapAlert {
  identifier: string;
  sender: string;
  sent: string;
  status: (typeof CAP_STATUSES)[number];
  msgType: (typeof CAP_MSG_TYPES)[number];
  source?: string;
  scope: (typeof CAP_SCOPES)[number];
  restriction?: string;
  addresses?: string;
  code: string[];
  note?: string;
  references: CapReference[];
  incidents: string[];
  info: CapInfo[];
  /**
   * Whether the parsed document carried an XML signature (`ds:Signature`). It is not verified
   * here, and an export never carries it (a re-serialised document no longer matches it).
   */
  signed?: boolean;
}
