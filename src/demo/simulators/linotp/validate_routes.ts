import { clientErrorStatus } from '../http_server.js';
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from 'express';
import { checkCode } from './check_code.js';
import { checkStatus } from './check_status.js';
import { readParams } from './params.js';
import { badRequest, type Reply } from './replies.js';
import type { Step, StepDeps } from './steps.js';
import { triggerPush } from './trigger_push.js';
import { withdrawPush } from './withdraw.js';

/**
 * docs/design.md, "The LinOTP validate API", below /validate (mounted there, after the body reader, the fault and Basic auth):
 *   GET|POST check          without transactionid: trigger a push; with it: check a typed code
 *   GET|POST check_status   where a transaction stands
 *   POST cancel_transaction  withdraw an open transaction (factorgate's extension: the phone then says expired)
 * Every answer is HTTP 200 JSON, LinOTP style; a malformed request is result.status false.
 */
export function validateRoutes(deps: StepDeps): Router {
  const router = express.Router();
  const check: Step = (d, params) => (params.transactionid === undefined ? triggerPush(d, params) : checkCode(d, params));
  for (const [path, step] of [['/check', check], ['/check_status', checkStatus]] as const) {
    router.get(path, (req, res) => answer(deps, step, req, res));
    router.post(path, (req, res) => answer(deps, step, req, res));
  }
  router.post('/cancel_transaction', (req, res) => answer(deps, withdrawPush, req, res));
  router.use((_req, res) => void res.status(404).type('text/plain').send('not found\n'));
  router.use(((err, _req, res, _next) => {
    if (clientErrorStatus(err) < 500) return void send(res, badRequest('request refused'));
    res.status(500).type('text/plain').send('internal error\n');
  }) satisfies ErrorRequestHandler);
  return router;
}

function answer(deps: StepDeps, step: Step, req: Request, res: Response): void {
  const read = readParams(req, res);
  if (!read.ok) return send(res, badRequest(read.message));
  const { user } = read.params;
  if (!user) return send(res, badRequest("Missing parameter: 'user'"));
  send(res, step(deps, { ...read.params, user }));
}

export function send(res: Response, reply: Reply): void {
  res.status(200).set('Cache-Control', 'no-store').json(reply);
}
