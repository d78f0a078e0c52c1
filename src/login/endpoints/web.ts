import type { Request } from 'express';
import { FactorgateError } from '../../errors.js';
import { body, client } from '../../http/request.js';
import type { UserNames } from '../../identity/user_names.js';
import type { Notifier } from '../../state/notifier.js';
import type { Client } from '../client.js';
import type { LoginIdOf } from '../handle.js';
import type { Login } from '../login.js';
import type { PushWatcher } from '../push_watcher.js';
import type { Responder } from '../respond.js';

/** What the /mfa endpoints share: the login, how views are sent, and how a request names its login. */
export type LoginWeb = {
  login: Login;
  responder: Responder;
  loginIdOf: LoginIdOf;
  userNames: UserNames;
  watcher: PushWatcher;
  notifier: Notifier;
};

/** The login the request's handle names; without a valid handle the post is refused (no_login). */
export function requireLoginId(web: LoginWeb, req: Request, what: string): string {
  const loginId = web.loginIdOf(req);
  if (!loginId) throw new FactorgateError('no_login', `${what} without a valid handle`);
  return loginId;
}

/** The per-login CSRF token: a form field, or the header the script sends. */
export const csrfOf = (req: Request): unknown => body(req).csrf ?? req.get('x-csrf-token');

export const clientOf = (req: Request): Client => client(req);
