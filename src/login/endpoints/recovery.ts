import type { RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { body } from '../../http/request.js';
import { passwordRight } from '../actions/password_right.js';
import { sameBrowser } from '../client.js';
import type { Login } from '../login.js';
import { recoveryPage } from '../pages/recovery.js';
import { anotherWay, goOn } from '../proceed.js';
import { openChallenge, type LoginRecord } from '../record.js';
import { sendView } from '../respond.js';
import type { Run } from '../run.js';
import type { LoginView } from '../views.js';
import { withLogin } from '../with_login.js';
import { clientOf, csrfOf, requireLoginId, type LoginWeb } from './web.js';

/** GET /mfa/recovery: the form for a recovery code, offered on every challenge of a login in progress. */
export function recoveryPageEndpoint(web: LoginWeb): RequestHandler {
  return async (req, res) => {
    const record = await web.login.deps.records.load(web.loginIdOf(req) ?? '');
    if (!record || record.state !== 'awaiting_answer' || !recoverable(record) || !sameBrowser(record, clientOf(req))) {
      sendView(req, res, { kind: 'failed', error: new FactorgateError('no_login', 'no login awaiting an answer'), forgetDevice: false }, web.responder);
      return;
    }
    res.set('Cache-Control', 'no-store').type('html').send(recoveryPage(record.csrf));
  };
}

/**
 * POST /mfa/recovery: a one-time code from the help desk (factorgate admin recovery-code) stands
 * in for the open challenge, once. The password must be right first, the code counts against the
 * user's wrong answers like any other guess, and once it holds the user enrols a new
 * authenticator app before the sign-in goes on (where factorgate keeps apps).
 */
export function recoveryEndpoint(web: LoginWeb): RequestHandler {
  const { login } = web;
  return async (req, res) => {
    const loginId = requireLoginId(web, req, 'recovery code posted');
    const typed = body(req).code;
    sendView(req, res, await withLogin(login, loginId, csrfOf(req), clientOf(req), (record, run) => useRecoveryCode(login, record, run, typed)), web.responder);
  };
}

async function useRecoveryCode(login: Login, record: LoginRecord, run: Run, typed: unknown): Promise<LoginView> {
  const { deps } = login;
  if (!recoverable(record) || !record.flow) throw new FactorgateError('wrong_state', 'recovery code posted where no challenge is open');
  if (!(await passwordRight(run, 'recovery_code'))) return login.outcomes.fail(record, new FactorgateError('gateway_refused', 'the password was refused'), run.forgetDevice);
  const user = record.username;
  const right = await deps.limits.guess(user, () => deps.recovery.redeem(user, typed), (used) => !used);
  if (!right) {
    deps.logger.warn({ event: 'recovery_code_refused', user, clientIp: record.clientIp }, 'a recovery code was wrong, used or expired');
    return login.outcomes.again(record, { code: 'recovery_code_invalid' }, anotherWay(login, record));
  }
  deps.logger.info({ event: 'recovery_code_used', user, clientIp: record.clientIp }, 'a recovery code stood in for the second factor, once');
  record.path = 'recovery';
  if (deps.config.otp.enabled) {
    const enrolling = await deps.providers.totp().enrol(run.context());
    if (enrolling.outcome === 'challenge') {
      // The new app's first code then answers the challenge the code stood in for.
      record.provider = 'totp';
      record.providerState = enrolling.state;
      return login.outcomes.waiting(record, { kind: 'challenge', loginId: record.id, csrf: record.csrf, challenge: enrolling.challenge, forgetDevice: false });
    }
  }
  return goOn(login, record, run, { outcome: 'success', state: {} });
}

/** A challenge is open, and it is not the enrolment a recovery code leads to. */
function recoverable(record: LoginRecord): boolean {
  const challenge = openChallenge(record);
  return challenge !== undefined && challenge.kind !== 'enrol';
}
