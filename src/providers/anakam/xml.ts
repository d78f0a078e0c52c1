import { create } from 'xmlbuilder2';
import { FactorgateError } from '../../errors.js';
import type { AnakamCommand, AnakamProfile } from './profile.js';

// XML in and out of the two-factor server. Requests are built only with xmlbuilder2, so no value
// can change a request's structure; replies are untrusted: DTDs are refused before parsing (no
// entity expansion, no external entities) and only known elements are read, each bounded.

const MAX_TEXT = 512;

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
  root.ele(el.command).txt(profile.commands[command]);
  root.ele(el.clientIp).txt(fields.clientIp);
  if (fields.method !== undefined) root.ele(el.method).txt(fields.method);
  if (fields.passcode !== undefined) root.ele(el.passcode).txt(fields.passcode);
  if (fields.registerDevice) {
    root.ele(el.registerDevice).txt('true');
    root.ele(el.registrationHours).txt(String(fields.registrationHours ?? 8));
  }
  if (fields.deviceKey !== undefined) root.ele(el.deviceKey).txt(fields.deviceKey);
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
