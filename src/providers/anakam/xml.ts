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
  let root: { nodeName: string; childNodes: ArrayLike<{ nodeType: number; nodeName: string; textContent: string | null }> };
  try {
    root = create(body.trim()).root().node as unknown as typeof root;
  } catch {
    throw new FactorgateError('tfa_protocol', 'reply is not XML');
  }
  if (root.nodeName !== expectedRoot) {
    throw new FactorgateError('tfa_protocol', `reply root is not ${expectedRoot}`, { root: String(root.nodeName).slice(0, 64) });
  }
  const values = new Map<string, string>();
  for (const child of Array.from(root.childNodes)) {
    if (child.nodeType !== 1 || values.has(child.nodeName)) continue; // elements only; first wins
    const text = (child.textContent ?? '').trim();
    if (text.length > MAX_TEXT) throw new FactorgateError('tfa_protocol', `element ${child.nodeName} too long`);
    values.set(child.nodeName, text);
  }
  return values;
}
