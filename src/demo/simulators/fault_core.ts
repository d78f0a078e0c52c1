import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';

// What both simulators' faults share (tfa/faults.ts and linotp/faults.ts name them in their own
// vocabulary): at most one way of answering badly, optionally after added latency, and the
// handler that answers so. Only the untrustworthy reply itself is the simulator's own.

/** The one way a fault answers; `maintenancePage` is the 200 HTML page of a proxy or balancer. */
export type FaultOutcome<G> =
  | { kind: 'none' }
  | { kind: 'timeout' }
  | { kind: 'refuse' }
  | { kind: 'maintenancePage' }
  | { kind: 'status'; status: number }
  | { kind: 'garbage'; variant: G };

export type ActiveFault<F, G> = {
  latencyMs: number;
  outcome: FaultOutcome<G>;
  /** As it was given, for GET /_control/fault. */
  given: F;
};

export const isSet = (value: unknown): boolean => value !== undefined && value !== false;

/** The two rules of every fault schema, for `.refine(...)`: at most one outcome, and something to do. */
export function oneOutcome(outcomes: readonly string[]) {
  type Fault = Record<string, unknown>;
  return {
    atMostOne: [(f: Fault) => outcomes.filter((k) => isSet(f[k])).length <= 1, { message: `at most one of ${outcomes.join(', ')}` }] as const,
    something: [(f: Fault) => isSet(f.latencyMs) || outcomes.some((k) => isSet(f[k])), { message: 'a fault needs latencyMs or one of ' + outcomes.join(', ') }] as const,
  };
}

type Common = { latencyMs?: number; timeout?: boolean; refuse?: boolean; status?: number };

/**
 * Validates a fault; throws an Error naming every problem. `own` reads the simulator's two own
 * words: whether it asks for the maintenance page, and which garbage reply (if any).
 */
export function readFault<F extends Common, G>(schema: z.ZodType<F>, input: unknown, own: (f: F) => { maintenancePage: boolean; garbage?: G }): ActiveFault<F, G> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.map(String).join('.') || 'fault'}: ${i.message}`).join('; '));
  }
  const f = parsed.data;
  const { maintenancePage, garbage } = own(f);
  const outcome: FaultOutcome<G> =
    f.timeout ? { kind: 'timeout' }
      : f.refuse ? { kind: 'refuse' }
        : maintenancePage ? { kind: 'maintenancePage' }
          : f.status !== undefined ? { kind: 'status', status: f.status }
            : garbage !== undefined ? { kind: 'garbage', variant: garbage }
              : { kind: 'none' };
  return { latencyMs: f.latencyMs ?? 0, outcome, given: f };
}

/** A reply that must not be trusted, shaped like the one the route would give. */
export type GarbageReply<G> = (req: Request, res: Response, variant: G) => { type: string; body: string };

/** Answers with the fault in force, or passes the request on; mounted on the API routes only. */
export function applyFault<G>(current: () => ActiveFault<unknown, G> | undefined, garbage: GarbageReply<G>): RequestHandler {
  return async (req, res, next) => {
    const fault = current();
    if (!fault) return next();
    if (fault.outcome.kind === 'refuse') {
      req.socket.destroy();
      return;
    }
    if (fault.latencyMs > 0 && !(await stillOpenAfter(fault.latencyMs, res))) return;
    const { outcome } = fault;
    switch (outcome.kind) {
      case 'none':
        return next();
      case 'timeout':
        // Hold the request: the client's timeout or the simulator's close() ends it.
        return;
      case 'status':
        res.status(outcome.status).type('text/plain').send(`simulated HTTP ${outcome.status}\n`);
        return;
      case 'maintenancePage':
        res.status(200).type('text/html')
          .send('<!doctype html><html><head><title>Maintenance</title></head><body><h1>Down for maintenance</h1></body></html>\n');
        return;
      case 'garbage': {
        const reply = garbage(req, res, outcome.variant);
        res.status(200).type(reply.type).send(reply.body);
        return;
      }
    }
  };
}

/** Waits, but gives up as soon as the client or close() drops the connection. */
function stillOpenAfter(ms: number, res: Response): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(!res.destroyed && !res.writableEnded);
    }, ms);
    res.once('close', onClose);
  });
}
