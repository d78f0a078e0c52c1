import { SaxesParser } from 'saxes';
import { create } from 'xmlbuilder2';
import { FactorgateError } from '../../errors.js';
import type { AnakamCommand, AnakamProfile } from './profile.js';

// XML in and out of the two-factor server. Requests are built only with xmlbuilder2, so no value
// can change a request's structure; replies are untrusted and read once, by one strict parser
// (readReply): no DTD, no entity expansion, no external entities, bounded in size and depth.

const MAX_TEXT = 512;
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * A value as element text. xmlbuilder2 escapes `<` and `>` but leaves anything that looks like an
 * entity reference (`&amp;`, `&foo;`) as it is, which would let a value change its own meaning
 * or break the document; so `&` is escaped here first. Characters XML cannot carry are refused,
 * not silently dropped.
 */
function text(value: string): string {
  if (NOT_XML_CHAR.test(value)) throw new FactorgateError('invalid_input', 'value holds characters XML cannot carry');
  return value.replace(/&/g, '&amp;');
}

export type ChallengeFields = {
  clientIp: string;
  method?: string;
  passcode?: string;
  registerDevice?: boolean;
  registrationHours?: number;
  deviceKey?: string;
};

export function buildChallengeRequest(profile: AnakamProfile, command: AnakamCommand, fields: ChallengeFields): string {
  const el = profile.elements;
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(el.challengeRequest);
  root.ele(el.command).txt(text(profile.commands[command]));
  root.ele(el.clientIp).txt(text(fields.clientIp));
  if (fields.method !== undefined) root.ele(el.method).txt(text(fields.method));
  if (fields.passcode !== undefined) root.ele(el.passcode).txt(text(fields.passcode));
  if (fields.registerDevice) {
    root.ele(el.registerDevice).txt('true');
    root.ele(el.registrationHours).txt(String(fields.registrationHours ?? 8));
  }
  if (fields.deviceKey !== undefined) root.ele(el.deviceKey).txt(text(fields.deviceKey));
  return root.end({ headless: false });
}

/** The longest reply read: the HTTP client already stops at 64 KiB, this holds for any caller. */
const MAX_REPLY_CHARS = 64 * 1024;
/** More children than any reply has: a reply is read whole, and its reading stays small. */
const MAX_CHILDREN = 64;

/** A reply's root element name and the name and text of each element child, in order. */
export type ReplyElements = { root: string; children: Array<[string, string]> };

const refused = (detail: string, extra?: Record<string, unknown>) => new FactorgateError('tfa_protocol', detail, extra);

/**
 * The reply's one reading, by saxes, a strict XML 1.0 parser: anything not well-formed is
 * refused, not guessed at. Replies are flat (a root of elements holding text) and only that is
 * read: a DTD, an element inside a child, text beside the children or a child given twice is
 * refused, so no other reader of the same bytes can see another reply in it. Comments, CDATA,
 * character references and the five predefined entities are XML and read as such; attributes
 * are ignored; namespaces must be well-formed and a name is read as written (a prefixed name is
 * not the unprefixed one). Nothing is expanded or fetched, and reading stops at the first
 * refusal, so the size bound and the depth of two bound the work.
 */
export function readReply(body: unknown): ReplyElements {
  if (typeof body !== 'string' || body.trim() === '') throw refused('empty or non-text reply');
  if (body.length > MAX_REPLY_CHARS) throw refused('reply too large');
  const parser = new SaxesParser({ xmlns: true, position: false, defaultXMLVersion: '1.0', forceXMLVersion: true });
  let root: string | undefined;
  let child: { name: string; text: string } | undefined;
  let depth = 0;
  const children: Array<[string, string]> = [];
  const seen = new Set<string>();
  const text = (value: string) => {
    if (child) child.text += value;
    else if (!/^[ \t\r\n]*$/.test(value)) {
      throw refused('text outside the reply\'s elements');
    }
  };
  parser.on('doctype', () => { throw refused('reply carries a DTD; refused'); });
  parser.on('error', (err) => { throw refused('reply is not XML', { cause: err.message.slice(0, 128) }); });
  parser.on('opentag', ({ name }) => {
    depth += 1;
    if (depth === 1) root = name;
    else if (depth === 2) child = { name, text: '' };
    else throw refused(`element ${child?.name ?? name} holds elements; replies are flat`);
  });
  parser.on('text', text);
  parser.on('cdata', text);
  parser.on('closetag', () => {
    depth -= 1;
    if (depth !== 1 || !child) return;
    if (seen.has(child.name)) throw refused(`element ${child.name} given twice`);
    seen.add(child.name);
    children.push([child.name, child.text]);
    if (children.length > MAX_CHILDREN) throw refused('reply has too many elements');
    child = undefined;
  });
  // A byte order mark and white space before the document are not the reply's.
  parser.write(body.replace(/^\uFEFF?[ \t\r\n]*/, '')).close();
  if (root === undefined) throw refused('reply is not XML');
  return { root, children };
}

/** The text of each direct child of the expected root element; throws tfa_protocol otherwise. */
export function parseReply(body: unknown, expectedRoot: string): Map<string, string> {
  const { root, children } = readReply(body);
  if (root !== expectedRoot) throw refused(`reply root is not ${expectedRoot}`, { root: root.slice(0, 64) });
  const values = new Map<string, string>();
  for (const [name, raw] of children) {
    const text = raw.trim();
    if (text.length > MAX_TEXT) throw refused(`element ${name} too long`);
    values.set(name, text);
  }
  return values;
}
