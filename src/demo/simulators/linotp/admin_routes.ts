import express, { type Router } from 'express';
import type { ResolvedLinotpOptions } from './options.js';
import { readParams } from './params.js';
import { badRequest, tokenList } from './replies.js';
import { send } from './validate_routes.js';

/**
 * LinOTP's admin API, the one call factorgate makes of it, below /admin (after the fault and Basic auth):
 *   GET show?user=NAME   the user's tokens (here their push token, if they have one), LinOTP's shape
 */
export function adminRoutes(options: ResolvedLinotpOptions): Router {
  const router = express.Router();
  router.get('/show', (req, res) => {
    const read = readParams(req, res);
    if (!read.ok) return send(res, badRequest(read.message));
    const { user } = read.params;
    if (!user) return send(res, badRequest("Missing parameter: 'user'"));
    const token = options.users.get(user)?.token;
    send(res, tokenList(token ? [{ user, serial: token.serial }] : []));
  });
  router.use((_req, res) => void res.status(404).type('text/plain').send('not found\n'));
  return router;
}
