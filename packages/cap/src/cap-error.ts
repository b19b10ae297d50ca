const CAP_ERROR = Symbol.for('banditore.CapValidationError');

/**
 * What broke: the XML itself, the CAP 1.2 schema, a CAP rule the schema cannot express, or (for
 * conversions) a valid CAP message that is not an announcement (`System`, `Draft`, `Ack`, `Error`).
 */
export type CapIssueKind = 'xml' | 'schema' | 'rule' | 'unsupported';

/** One problem found in a CAP document. */
export interface CapIssue {
  kind: CapIssueKind;
  /** Element path, e.g. `alert/info[0]/area[1]/geocode[0]/value`; indexes count from 0. */
  path: string;
  /** The rule broken. Never repeats the document's text. */
  message: string;
  /** Line in the document, when parsed from XML. */
  line?: number;
}

/** Stable codes of {@link CapValidationError}, from the first issue's kind. */
export type CapErrorCode = 'CAP_NOT_XML' | 'CAP_SCHEMA' | 'CAP_RULE' | 'CAP_UNSUPPORTED';

const CODE_OF: Record<CapIssueKind, CapErrorCode> = {
  xml: 'CAP_NOT_XML',
  schema: 'CAP_SCHEMA',
  rule: 'CAP_RULE',
  unsupported: 'CAP_UNSUPPORTED',
};
const MAX_LINES = 10;

/**
 * Thrown when a CAP document (or a CAP alert about to be exported) is not valid CAP 1.2.
 *
 * `issues` lists every problem found with the element path it is at; the message spells out
 * the first ten. Neither repeats the document's text: alerts may quote names or numbers.
 *
 * @example
 * ```ts
 * try { parseCap(xml) }
 * catch (error) { if (isCapValidationError(error)) report(error.issues.map((issue) => issue.path)) }
 * ```
 */
export class CapValidationError extends Error {
  override readonly name = 'CapValidationError';
  /** `CAP_NOT_XML` (not well-formed), `CAP_SCHEMA` (breaks the XSD), `CAP_RULE` (breaks a CAP rule) or `CAP_UNSUPPORTED` (valid, not an announcement). */
  readonly code: CapErrorCode;
  readonly issues: readonly CapIssue[];
  readonly [CAP_ERROR] = true;

  constructor(subject: string, issues: readonly CapIssue[]) {
    const lines = issues
      .slice(0, MAX_LINES)
      .map((issue) => `  ✖ ${issue.path}${issue.line === undefined ? '' : ` (line ${issue.line})`}: ${issue.message}`);
    if (issues.length > MAX_LINES) lines.push(`  … and ${issues.length - MAX_LINES} more`);
    super(`Invalid ${subject}:\n${lines.join('\n')}`);
    this.issues = issues;
    this.code = CODE_OF[issues[0]?.kind ?? 'schema'];
  }
}

/**
 * Tells whether a value is a {@link CapValidationError}, even one from another installed copy.
 *
 * @param value - Anything caught.
 * @returns `true` when it is a CapValidationError.
 */
export function isCapValidationError(value: unknown): value is CapValidationError {
  return typeof value === 'object' && value !== null && CAP_ERROR in value;
}
