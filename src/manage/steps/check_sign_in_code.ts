import type { RequestHandler } from 'express';
import { checkCode, wrongCode } from '../../otp/check_code.js';
import { client } from '../../http/request.js';
import { BASE, otpDeps } from '../deps.js';
import { redirectWith } from '../messages.js';
import { type Portal, typedCode, withSession } from '../portal.js';

/** POST /manageotp/code: the second factor of a user who has a device. Only then may devices change. */
export function checkSignInCode(portal: Portal): RequestHandler {
  const { deps, sessions } = portal;
  return withSession(portal, 'second_factor', async (req, res, session) => {
    const { ip } = client(req);
    const { user } = session;
    const result = await deps.limits.guess(user, () => checkCode(otpDeps(deps), user, typedCode(req), { clientIp: ip, via: 'manageotp' }), wrongCode);
    if (result.outcome === 'success') {
      // ASVS 3.2.1: a new session id once both factors are in.
      await sessions.end(req, res);
      await sessions.start(req, res, user, 'ready');
      deps.logger.info({ event: 'manageotp_signin', user, clientIp: ip, secondFactor: true, deviceId: result.deviceId }, 'portal sign-in with password and code');
      return redirectWith(res, BASE, 'signed_in');
    }
    deps.logger.info({ event: 'manageotp_signin_failed', user, clientIp: ip, reason: result.reason }, 'portal sign-in refused: code');
    if (result.reason === 'no_device') {
      // The devices went away since the password step: start again rather than guess.
      await sessions.end(req, res);
      return redirectWith(res, BASE, 'signin_again');
    }
    await deps.limits.countClient(ip);
    redirectWith(res, BASE, result.reason === 'reused' ? 'code_reused' : 'signin_code_wrong');
  });
}
