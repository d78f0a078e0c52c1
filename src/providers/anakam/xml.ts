import { create } from 'xmlbuilder2';
import { FactorgateError } from '../../errors.js';
import type { AnakamCommand, AnakamProfile } from './profile.js';

// XML in and out of the two-factor server. Requests are built only with xmlbuilder2, so no value
// can change a request's structure; replies are untrusted: DTDs are refused before parsing (no
// entity expansion, no external entities) and only known elements are read, each bounded.

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

/** The text of each direct child of the expected root element; throws tfa_protocol otherwise. */
export function parseReply(body: unknown, expectedRoot: string): Map<string, string> {
  if (typeof body !== 'string' || body.trim() === '') {
    throw new FactorgateError('tfa_protocol', 'empty or non-text reply');
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) {
    throw new FactorgateError('tfa_protocol', 'reply carries a DTD; refused');
  }
  const document = body.trim();
  const { root, children } = readFlatReply(document) ?? readReplyDom(document);
  if (root !== expectedRoot) {
    throw new FactorgateError('tfa_protocol', `reply root is not ${expectedRoot}`, { root: String(root).slice(0, 64) });
  }
  const values = new Map<string, string>();
  for (const [name, raw] of children) {
    if (values.has(name)) continue; // first wins
    const text = raw.trim();
    if (text.length > MAX_TEXT) throw new FactorgateError('tfa_protocol', `element ${name} too long`);
    values.set(name, text);
  }
  return values;
}

/** A reply's root element name and the name and text of each element child, in order. */
export type ReplyElements = { root: string; children: Array<[string, string]> };

/** The whole reply parsed by xmlbuilder2 into a DOM: any well-formed XML. */
export function readReplyDom(document: string): ReplyElements {
  let root: { nodeName: string; childNodes: ArrayLike<{ nodeType: number; nodeName: string; textContent: string | null }> };
  try {
    root = create(document).root().node as unknown as typeof root;
  } catch {
    throw new FactorgateError('tfa_protocol', 'reply is not XML');
  }
  const children: Array<[string, string]> = [];
  for (const child of Array.from(root.childNodes)) {
    if (child.nodeType === 1) children.push([child.nodeName, child.textContent ?? '']); // elements only
  }
  return { root: root.nodeName, children };
}

// The replies are flat: a root holding elements that hold plain text. Such a document, and only
// such a one, is read by these three patterns: an optional XML declaration, an unprefixed root
// without attributes, children with the same closing name and text without markup, entities,
// carriage returns or characters XML cannot carry. Anything else (attributes, namespaces, CDATA,
// comments, entities, nesting, empty-element tags) is left to xmlbuilder2's DOM, so the result
// is the DOM's, at a twentieth of its cost (bench: the DOM was 8 % of a passcode login's CPU).
const FLAT_ROOT = /^(?:<\?xml [^<>?]*\?>[ \t\n]*)?<([A-Za-z_][A-Za-z0-9_.-]*)>/;
const FLAT_CHILD = /[ \t\n]*<([A-Za-z_][A-Za-z0-9_.-]*)>([^<&\r]*)<\/\1>/y;
const FLAT_END = /[ \t\n]*<\/([A-Za-z_][A-Za-z0-9_.-]*)>$/y;

/** The reply read without a DOM when it is flat (see above); undefined for anything else. */
export function readFlatReply(document: string): ReplyElements | undefined {
  const head = FLAT_ROOT.exec(document);
  if (!head) return undefined;
  const children: Array<[string, string]> = [];
  let at = head[0].length;
  for (;;) {
    FLAT_CHILD.lastIndex = at;
    const child = FLAT_CHILD.exec(document);
    if (!child) break;
    const text = child[2]!;
    if (text.includes(']]>') || NOT_XML_CHAR.test(text)) return undefined;
    children.push([child[1]!, /^[ \t\n]*$/.test(text) ? '' : text]); // as the DOM, which keeps no whitespace-only text
    at = FLAT_CHILD.lastIndex;
  }
  FLAT_END.lastIndex = at;
  const end = FLAT_END.exec(document);
  if (!end || end[1] !== head[1]) return undefined;
  return { root: head[1]!, children };
}
