import { create } from 'xmlbuilder2';
import { isCommand, type Command } from './vocabulary.js';

// XML in and out of the simulator. Replies are built only with xmlbuilder2, so no value can
// change their structure. Requests are untrusted: xmlbuilder2's parser is lenient, so DTDs are
// refused before parsing and anything but a <challengeRequest> with a known <command> is a 400.

export type Element = readonly [name: string, text: string];

/** A document with one root and flat children, in the given order, pretty-printed as a JAXB server would. */
export function buildXml(root: string, children: readonly Element[]): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele(root);
  for (const [name, text] of children) doc.ele(name).txt(text);
  return doc.end({ prettyPrint: true }) + '\n';
}

export type ChallengeRequest = {
  command: Command;
  clientIp: string;
  /** Text of each other direct child element; the first of a repeated name wins. */
  fields: Map<string, string>;
};

export type ParsedRequest = { ok: true; request: ChallengeRequest } | { ok: false; reason: string };

const MAX_TEXT = 512;

export function parseChallengeRequest(body: string): ParsedRequest {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) return { ok: false, reason: 'DTDs are refused' };
  type Node = { nodeType: number; nodeName: string; textContent: string | null; childNodes: ArrayLike<Node> };
  let root: Node;
  try {
    root = create(body.trim()).root().node as unknown as Node;
  } catch {
    return { ok: false, reason: 'body is not XML' };
  }
  if (root.nodeName !== 'challengeRequest') return { ok: false, reason: 'root element must be challengeRequest' };
  const fields = new Map<string, string>();
  for (const child of Array.from(root.childNodes)) {
    if (child.nodeType !== 1 || fields.has(child.nodeName)) continue;
    const text = (child.textContent ?? '').trim();
    if (text.length > MAX_TEXT) return { ok: false, reason: `element ${child.nodeName} is too long` };
    fields.set(child.nodeName, text);
  }
  const command = fields.get('command');
  if (command === undefined || !isCommand(command)) return { ok: false, reason: 'missing or unknown command' };
  const clientIp = fields.get('clientIp');
  if (!clientIp) return { ok: false, reason: 'missing clientIp' };
  fields.delete('command');
  fields.delete('clientIp');
  return { ok: true, request: { command, clientIp, fields } };
}
