import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { ActiveFault } from './faults.js';
import { buildXml } from './xml.js';

/**
 * Runs before Basic auth on the /tfa/api routes only: a broken server is broken for everyone,
 * while the outbox and control pages keep working so a test can clear the fault.
 */
export function applyFault(current: () => ActiveFault | undefined): RequestHandler {
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
      case 'notXml':
        res.status(200).type('text/html')
          .send('<!doctype html><html><head><title>Maintenance</title></head><body><h1>Down for maintenance</h1></body></html>\n');
        return;
      case 'garbageXml':
        res.status(200).type('application/xml').send(garbage(req.path, outcome.variant));
        return;
    }
  };
}

/** XML that must not be trusted, shaped like the reply the route would give. */
function garbage(path: string, variant: 'status' | 'root'): string {
  const isAuth = /\/auth\/?$/.test(path);
  const authKey: [string, string] = ['authKey', randomUUID()];
  if (variant === 'root') {
    // A success word under the wrong root: only a client that checks the root refuses it.
    return buildXml('errorResponse', [authKey, ['status', isAuth ? 'TOKEN_CREATED' : 'AUTHENTICATED']]);
  }
  return buildXml(isAuth ? 'authResponse' : 'challengeResponse', [authKey, ['status', 'UNEXPECTED_STATUS']]);
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
