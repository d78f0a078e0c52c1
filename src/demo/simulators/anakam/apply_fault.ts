import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { applyFault as applyFaultOf } from '../fault_core.js';
import type { ActiveFault, GarbageVariant } from './faults.js';
import { buildXml } from './xml.js';

/**
 * Runs before Basic auth on the /tfa/api routes only: a broken server is broken for everyone,
 * while the outbox and control pages keep working so a test can clear the fault.
 */
export const applyFault = (current: () => ActiveFault | undefined): RequestHandler =>
  applyFaultOf(current, (req, _res, variant) => ({ type: 'application/xml', body: garbage(req.path, variant) }));

/** XML that must not be trusted, shaped like the reply the route would give. */
function garbage(path: string, variant: GarbageVariant): string {
  const isAuth = /\/auth\/?$/.test(path);
  const authKey: [string, string] = ['authKey', randomUUID()];
  if (variant === 'root') {
    // A success word under the wrong root: only a client that checks the root refuses it.
    return buildXml('errorResponse', [authKey, ['status', isAuth ? 'TOKEN_CREATED' : 'AUTHENTICATED']]);
  }
  return buildXml(isAuth ? 'authResponse' : 'challengeResponse', [authKey, ['status', 'UNEXPECTED_STATUS']]);
}
