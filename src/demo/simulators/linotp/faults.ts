import { z } from 'zod';
import { oneOutcome, readFault, type ActiveFault as CoreActiveFault } from '../fault_core.js';

// Misbehaviour on demand, for tests of how factorgate's push provider fails closed. The same
// faults as the two-factor simulator's (tfa/faults.ts), in JSON terms. At most one way of
// answering badly, optionally after added latency:
//   latencyMs  wait this long before answering (alone: then answer normally)
//   timeout    never answer; the request hangs until the client gives up or the simulator closes
//   status     answer every /validate and /admin call with this HTTP status and a plain-text body
//   notJson    200 with an HTML page (a proxy's or load balancer's error page)
//   garbage    200 with JSON that must not be trusted: 'types' (true) has the success reply's
//              shape with every value of the wrong JSON type ("true" for true, a number for the
//              transaction id); 'transaction' speaks of another transaction than the one asked
//   refuse     destroy the connection at once, answering nothing

const OUTCOMES = ['timeout', 'status', 'notJson', 'garbage', 'refuse'] as const;
const rules = oneOutcome(OUTCOMES);

export const faultSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  timeout: z.boolean().optional(),
  status: z.number().int().min(400).max(599).optional(),
  notJson: z.boolean().optional(),
  garbage: z.union([z.boolean(), z.enum(['types', 'transaction'])]).optional(),
  refuse: z.boolean().optional(),
}).refine(...rules.atMostOne).refine(...rules.something);

export type LinotpFault = z.input<typeof faultSchema>;

export type GarbageVariant = 'types' | 'transaction';

/** A checked fault, with its one outcome spelled out. */
export type ActiveFault = CoreActiveFault<LinotpFault, GarbageVariant>;

/** Validates a fault; throws an Error naming every problem. */
export const checkFault = (input: unknown): ActiveFault =>
  readFault(faultSchema, input, (f) => ({ maintenancePage: f.notJson === true, garbage: f.garbage ? (f.garbage === 'transaction' ? 'transaction' : 'types') : undefined }));
