import {
  CAP_CATEGORIES,
  CAP_CERTAINTIES,
  CAP_MSG_TYPES,
  CAP_RESPONSE_TYPES,
  CAP_SCOPES,
  CAP_SEVERITIES,
  CAP_STATUSES,
  CAP_URGENCIES,
} from './cap-types.js';

/**
 * The simple type of a CAP element's text. Enums are `xs:string` restrictions, so their
 * whitespace counts; the others collapse whitespace, as XML Schema says for their base types.
 */
export type SimpleType = 'string' | 'dateTime' | 'language' | 'integer' | 'decimal' | 'anyURI' | readonly string[];

/** One element of an `xs:sequence` in the CAP 1.2 schema. */
export interface FieldSpec {
  name: string;
  required: boolean;
  repeats: boolean;
  type?: SimpleType;
  children?: readonly FieldSpec[];
}

const one = (name: string, type: SimpleType = 'string'): FieldSpec => ({ name, required: true, repeats: false, type });
const opt = (name: string, type: SimpleType = 'string'): FieldSpec => ({ name, required: false, repeats: false, type });
const many = (name: string, type: SimpleType = 'string', required = false): FieldSpec => ({
  name,
  required,
  repeats: true,
  type,
});
const group = (name: string, children: readonly FieldSpec[], required = false): FieldSpec => ({
  name,
  required,
  repeats: true,
  children,
});

const VALUE_PAIR = [one('valueName'), one('value')] as const;

const RESOURCE = [
  one('resourceDesc'),
  one('mimeType'),
  opt('size', 'integer'),
  opt('uri', 'anyURI'),
  opt('derefUri'),
  opt('digest'),
] as const;

const AREA = [
  one('areaDesc'),
  many('polygon'),
  many('circle'),
  group('geocode', VALUE_PAIR),
  opt('altitude', 'decimal'),
  opt('ceiling', 'decimal'),
] as const;

const INFO = [
  opt('language', 'language'),
  many('category', CAP_CATEGORIES, true),
  one('event'),
  many('responseType', CAP_RESPONSE_TYPES),
  one('urgency', CAP_URGENCIES),
  one('severity', CAP_SEVERITIES),
  one('certainty', CAP_CERTAINTIES),
  opt('audience'),
  group('eventCode', VALUE_PAIR),
  opt('effective', 'dateTime'),
  opt('onset', 'dateTime'),
  opt('expires', 'dateTime'),
  opt('senderName'),
  opt('headline'),
  opt('description'),
  opt('instruction'),
  opt('web', 'anyURI'),
  opt('contact'),
  group('parameter', VALUE_PAIR),
  group('resource', RESOURCE),
  group('area', AREA),
] as const;

/** The children of `alert`, in the order the CAP 1.2 XSD requires. */
export const ALERT_FIELDS: readonly FieldSpec[] = [
  one('identifier'),
  one('sender'),
  one('sent', 'dateTime'),
  one('status', CAP_STATUSES),
  one('msgType', CAP_MSG_TYPES),
  opt('source'),
  one('scope', CAP_SCOPES),
  opt('restriction'),
  opt('addresses'),
  many('code'),
  opt('note'),
  opt('references'),
  opt('incidents'),
  group('info', INFO),
];
