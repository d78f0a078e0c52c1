import type { RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { csrfMatches, sameBrowser, type Client } from '../client.js';
import type { Login } from '../login.js';
import { wantsJson } from '../respond.js';
import { withdrawOpenPush } from '../withdraw_push.js';
import { clientOf, csrfOf, type LoginWeb } from './web.js';

/** POST /mfa/cancel: the user ends the login; its record and credentials are wiped. A forged cancel ends nothing. */
export function cancelEndpoint(web: LoginWeb): RequestHandler {
  const { login, responder } = web;
  return async (req, res) => {
    const loginId = web.loginIdOf(req);
    if (loginId && !(await cancel(login, loginId, csrfOf(req), clientOf(req)))) throw new FactorgateError('csrf', 'cancel without the login\'s CSRF token');
    responder.cookies.clearHandle(res);
    if (wantsJson(req)) res.json({ status: 'cancelled', restart: responder.loginPage });
    else res.redirect(303, responder.loginPage);
  };
}

/** False when refused (another browser, no CSRF token); true when the login is over, or was already. */
async function cancel(login: Login, loginId: string, csrf: unknown, client: Client): Promise<boolean> {
  const record = await login.deps.records.load(loginId);
  if (!record) return true;
  if (!csrfMatches(record, csrf) || !sameBrowser(record, client)) return false;
  await withdrawOpenPush(login.deps, record);
  await login.deps.records.remove(loginId, 'cancelled');
  login.outcomes.audit(record, 'cancelled');
  return true;
}
