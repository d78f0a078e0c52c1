import { z } from 'zod';

// Misbehaviour on demand, for tests of how factorgate's push provider fails closed. The same
// faults as the two-factor simulator's (tfa/faults.ts), in JSON terms. At most one way of
// answering badly, optionally after added latency:
//   latencyMs  wait this long before answering (alone: then answer normally)
//   timeout    never answer; the request hangs until the client gives up or the simulator closes
//   status     answer every /validate call with this HTTP status and a plain-text body
//   notJson    200 with an HTML page (a proxy's or load balancer's error page)
//   garbage    200 with JSON that must not be trusted: 'types' (true) has the success reply's
//              shape with every value of the wrong JSON type ("true" for true, a number for the
//              transaction id); 'transaction' speaks of another transaction than the one asked
//   refuse     destroy the connection at once, answering nothing

const OUTCOMES = ['timeout', 'status', 'notJson', 'garbage', 'refuse'] as const;

export const faultSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  timeout: z.boolean().optional(),
  status: z.number().int().min(400).max(599).optional(),
  notJson: z.boolean().optional(),
  garbage: z.union([z.boolean(), z.enum(['types', 'transaction'])]).optional(),
  refuse: z.boolean().optional(),
}).refine((f) => OUTCOMES.filter((k) => isSet(f[k])).length <= 1, {
  message: `at most one of ${OUTCOMES.join(', ')}`,
}).refine((f) => isSet(f.latencyMs) || OUTCOMES.some((k) => isSet(f[k])), {
  message: 'a fault needs latencyMs or one of ' + OUTCOMES.join(', '),
});

export type LinotpFault = z.input<typeof faultSchema>;

export type GarbageVariant = 'types' | 'transaction';

/** A checked fault, with its one outcome spelled out. */
export type ActiveFault = {
  latencyMs: number;
  outcome:
    | { kind: 'none' }
    | { kind: 'timeout' }
    | { kind: 'refuse' }
    | { kind: 'notJson' }
    | { kind: 'status'; status: number }
    | { kind: 'garbage'; variant: GarbageVariant };
  /** As it was given, for GET /_control/fault. */
  given: LinotpFault;
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
        : f.notJson ? { kind: 'notJson' }
          : f.status !== undefined ? { kind: 'status', status: f.status }
            : f.garbage ? { kind: 'garbage', variant: f.garbage === 'transaction' ? 'transaction' : 'types' }
              : { kind: 'none' };
  return { latencyMs: f.latencyMs ?? 0, outcome, given: f };
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== false;
}
