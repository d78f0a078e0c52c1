import { clientErrorStatus } from '../http_server.js';
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from 'express';
import type { CallLog } from './calls.js';
import { commandHandlers } from './commands/index.js';
import type { ResolvedAnakamOptions } from './options.js';
import type { Outbox } from './outbox.js';
import type { AnakamState } from './state.js';
import { buildXml, parseChallengeRequest } from './xml.js';

export type ApiDeps = { state: AnakamState; outbox: Outbox; calls: CallLog; options: ResolvedAnakamOptions };

/**
 * docs/design.md, "The Anakam API", below /tfa/api (mounted there, after the fault and Basic-auth middleware):
 *   POST {version}/{tenant}/auth?applicationKey=&userKey=   -> <authResponse>
 *   PUT  {version}/{tenant}/challenge/{authKey}             -> <challengeResponse>
 * Errors answer with an HTTP status and no XML: 400 malformed, 404 unknown or used-up key,
 * 410 expired key, 415 a body that is not XML.
 */
export function apiRoutes(deps: ApiDeps): Router {
  const router = express.Router();
  router.post('/:version/:tenant/auth', (req, res) => acquireAuthKey(deps, req, res));
  router.put(
    '/:version/:tenant/challenge/:authKey',
    express.text({ type: ['application/xml', 'text/xml'], limit: '16kb' }),
    (req, res) => challenge(deps, req, res),
  );
  router.use((_req, res) => void res.status(404).end());
  router.use(((err, _req, res, _next) => {
    const status = clientErrorStatus(err);
    res.status(status).end();
  }) satisfies ErrorRequestHandler);
  return router;
}

function acquireAuthKey({ state, calls, options }: ApiDeps, req: Request, res: Response): void {
  if (!onThisTenant(options, req)) return void res.status(404).end();
  const { applicationKey, userKey } = req.query;
  if (!plainParam(applicationKey) || !plainParam(userKey)) {
    return void res.status(400).type('text/plain').send('applicationKey and userKey are required, once each\n');
  }
  const now = options.now();
  // An unknown user still gets a key, as a known one does: the answer to auth must not tell
  // who exists. Such a key can never authenticate: it has no destination and no device.
  const record = state.createKey(userKey, applicationKey, now, options.authKeyTtlMs);
  calls.add({ at: new Date(now).toISOString(), call: 'auth', user: userKey, authKey: record.authKey, httpStatus: 200, status: 'TOKEN_CREATED' });
  res.status(200).type('application/xml').send(buildXml('authResponse', [
    ['tenant', options.tenant],
    ['userKey', userKey],
    ['authKey', record.authKey],
    ['applicationKey', applicationKey],
    ['step', '1'],
    ['successUrl', options.successUrl],
    ['status', 'TOKEN_CREATED'],
    ['expires', new Date(record.expiresAt).toISOString()],
  ]));
}

function challenge(deps: ApiDeps, req: Request, res: Response): void {
  const { state, calls, options } = deps;
  if (!onThisTenant(options, req)) return void res.status(404).end();
  // express.text leaves the body undefined unless the Content-Type is XML.
  if (typeof req.body !== 'string') return void res.status(415).end();
  const parsed = parseChallengeRequest(req.body);
  if (!parsed.ok) return void res.status(400).type('text/plain').send(`${parsed.reason}\n`);
  const { request } = parsed;
  const now = options.now();
  const record = state.key(String(req.params.authKey));
  if (!record) return void res.status(404).end();
  const base = { at: new Date(now).toISOString(), call: request.command, user: record.user, authKey: record.authKey, clientIp: request.clientIp };
  if (record.expiresAt <= now) {
    calls.add({ ...base, httpStatus: 410 });
    return void res.status(410).end();
  }
  const result = commandHandlers[request.command]({ record, request, state, outbox: deps.outbox, options, now });
  if (result.kind === 'badRequest') {
    calls.add({ ...base, httpStatus: 400 });
    return void res.status(400).type('text/plain').send(`${result.reason}\n`);
  }
  calls.add({ ...base, httpStatus: 200, status: result.status });
  res.status(200).type('application/xml').send(buildXml('challengeResponse', [
    ['authKey', record.authKey],
    ['status', result.status],
    ...result.extra,
  ]));
}

function onThisTenant(options: ResolvedAnakamOptions, req: Request): boolean {
  return req.params.version === options.version && req.params.tenant === options.tenant;
}

/** A single, non-empty, bounded query value (a repeated one arrives as an array). */
function plainParam(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 256;
}
