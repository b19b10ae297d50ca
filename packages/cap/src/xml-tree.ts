import { SaxesParser } from 'saxes';
import { firstNonXmlChar } from './xml-chars.js';

/** An element of a parsed XML document, namespace-resolved. */
export interface XmlElement {
  /** Local name, without prefix. */
  local: string;
  /** Namespace URI ('' when none). */
  uri: string;
  /** Attributes that are not namespace declarations, by qualified name. */
  attributes: { name: string; uri: string; value: string }[];
  children: XmlElement[];
  /** Concatenated character data directly inside this element (text and CDATA). */
  text: string;
  /** Whether non-whitespace text was mixed with child elements. */
  mixed: boolean;
  line: number;
  column: number;
}

/** A document that is not well-formed XML, or is refused before any schema check (DOCTYPE, size). */
export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

const XMLNS_URI = 'http://www.w3.org/2000/xmlns/';

/**
 * Parses an XML document into a tree with saxes, a conformant, namespace-aware, non-validating
 * parser. A DOCTYPE is refused outright: no CAP or QuakeML document has one, and refusing it
 * rules out entity expansion attacks whatever the parser would do with it.
 *
 * @param xml - The document text.
 * @returns The root element.
 * @throws XmlSyntaxError when the document is not well-formed.
 */
export function parseXmlTree(xml: string): XmlElement {
  // A string handed over in memory may hold what no decoded byte stream can (a lone surrogate).
  const bad = firstNonXmlChar(xml);
  if (bad >= 0) {
    const before = xml.slice(0, bad);
    const line = before.split('\n').length;
    throw new XmlSyntaxError(
      'not well-formed XML: a character XML 1.0 does not allow',
      line,
      bad - before.lastIndexOf('\n'),
    );
  }
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const fail = (message: string): never => {
    throw new XmlSyntaxError(message, parser.line, parser.column);
  };
  parser.on('error', (error) => {
    // saxes prefixes the message with "line:column: "; keep only the rule it reports.
    fail(`not well-formed XML: ${error.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '')}`);
  });
  parser.on('doctype', () => fail('a DOCTYPE is not allowed'));
  parser.on('opentag', (tag) => {
    const element: XmlElement = {
      local: tag.local,
      uri: tag.uri,
      attributes: Object.values(tag.attributes)
        .filter((attribute) => attribute.uri !== XMLNS_URI)
        .map((attribute) => ({ name: attribute.name, uri: attribute.uri, value: attribute.value })),
      children: [],
      text: '',
      mixed: false,
      line: parser.line,
      column: parser.column,
    };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  const addText = (text: string): void => {
    const current = stack[stack.length - 1];
    if (current) current.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    const element = stack.pop();
    if (element && element.children.length > 0 && element.text.trim() !== '') element.mixed = true;
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw error;
    throw new XmlSyntaxError('not well-formed XML', parser.line, parser.column);
  }
  if (!root) throw new XmlSyntaxError('no root element', parser.line, parser.column);
  return root;
}
