import { z } from 'zod';
import { oneOutcome, readFault, type ActiveFault as CoreActiveFault } from '../fault_core.js';

// Misbehaviour on demand, for tests of how factorgate fails closed. A fault is at most one way
// of answering badly, optionally after added latency:
//   latencyMs   wait this long before answering (alone: then answer normally)
//   timeout     never answer; the request hangs until the client gives up or the simulator closes
//   status      answer every API call with this HTTP status and a plain-text body
//   notXml      200 with an HTML page (a proxy's or load balancer's error page)
//   garbageXml  200 with XML that must not be trusted: 'status' (true) keeps the expected root
//               but carries an unknown status word; 'root' carries a success word under a wrong root
//   refuse      destroy the connection at once, answering nothing

const OUTCOMES = ['timeout', 'status', 'notXml', 'garbageXml', 'refuse'] as const;
const rules = oneOutcome(OUTCOMES);

export const faultSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  timeout: z.boolean().optional(),
  status: z.number().int().min(400).max(599).optional(),
  notXml: z.boolean().optional(),
  garbageXml: z.union([z.boolean(), z.enum(['status', 'root'])]).optional(),
  refuse: z.boolean().optional(),
}).refine(...rules.atMostOne).refine(...rules.something);

export type AnakamFault = z.input<typeof faultSchema>;

export type GarbageVariant = 'status' | 'root';

/** A checked fault, with its one outcome spelled out. */
export type ActiveFault = CoreActiveFault<AnakamFault, GarbageVariant>;

/** Validates a fault; throws an Error naming every problem. */
export const checkFault = (input: unknown): ActiveFault =>
  readFault(faultSchema, input, (f) => ({ maintenancePage: f.notXml === true, garbage: f.garbageXml ? (f.garbageXml === 'root' ? 'root' : 'status') : undefined }));
