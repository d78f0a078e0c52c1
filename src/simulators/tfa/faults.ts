import { z } from 'zod';

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

export const faultSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  timeout: z.boolean().optional(),
  status: z.number().int().min(400).max(599).optional(),
  notXml: z.boolean().optional(),
  garbageXml: z.union([z.boolean(), z.enum(['status', 'root'])]).optional(),
  refuse: z.boolean().optional(),
}).refine((f) => OUTCOMES.filter((k) => isSet(f[k])).length <= 1, {
  message: `at most one of ${OUTCOMES.join(', ')}`,
}).refine((f) => isSet(f.latencyMs) || OUTCOMES.some((k) => isSet(f[k])), {
  message: 'a fault needs latencyMs or one of ' + OUTCOMES.join(', '),
});

export type TfaFault = z.input<typeof faultSchema>;

/** A checked fault, with its one outcome spelled out. */
export type ActiveFault = {
  latencyMs: number;
  outcome:
    | { kind: 'none' }
    | { kind: 'timeout' }
    | { kind: 'refuse' }
    | { kind: 'notXml' }
    | { kind: 'status'; status: number }
    | { kind: 'garbageXml'; variant: 'status' | 'root' };
  /** As it was given, for GET /_control/fault. */
  given: TfaFault;
};

/** Validates a fault; throws an Error naming every problem. */
export function checkFault(input: unknown): ActiveFault {
  const parsed = faultSchema.safeParse(input);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.map(String).join('.') || 'fault'}: ${i.message}`).join('; '));
  }
  const f = parsed.data;
  const outcome: ActiveFault['outcome'] =
    f.timeout ? { kind: 'timeout' }
      : f.refuse ? { kind: 'refuse' }
        : f.notXml ? { kind: 'notXml' }
          : f.status !== undefined ? { kind: 'status', status: f.status }
            : f.garbageXml ? { kind: 'garbageXml', variant: f.garbageXml === 'root' ? 'root' : 'status' }
              : { kind: 'none' };
  return { latencyMs: f.latencyMs ?? 0, outcome, given: f };
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== false;
}
