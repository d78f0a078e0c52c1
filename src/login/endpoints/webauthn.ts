import type { RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { body } from '../../http/request.js';
import { MAX_ASSERTION } from '../../providers/webauthn/webauthn_provider.js';
import { goOn } from '../proceed.js';
import { openChallenge } from '../record.js';
import { sendView } from '../respond.js';
import { withLogin } from '../with_login.js';
import { clientOf, csrfOf, requireLoginId, type LoginWeb } from './web.js';

/**
 * POST /mfa/webauthn: the browser's assertion for the open passkey challenge. Checked as one guess
 * against the user's limit; the challenge is spent either way, so a wrong or replayed assertion
 * leaves the login asking again with a fresh challenge, within its attempts. A counter that went
 * back ends the login (fail closed: no other way is offered to whoever holds a cloned key).
 */
export function webauthnEndpoint(web: LoginWeb): RequestHandler {
  const { login } = web;
  return async (req, res) => {
    const loginId = requireLoginId(web, req, 'assertion posted');
    const assertion = body(req).assertion;
    if (typeof assertion !== 'string' || assertion.length > MAX_ASSERTION) throw new FactorgateError('invalid_input', 'assertion missing or too long');
    sendView(req, res, await withLogin(login, loginId, csrfOf(req), clientOf(req), async (record, run) => {
      if (openChallenge(record)?.kind !== 'webauthn') throw new FactorgateError('wrong_state', 'assertion posted where no passkey is asked');
      const provider = login.deps.providers.webauthn();
      const ctx = run.context();
      const outcome = await login.deps.limits.guess(ctx.username, () => provider.verify(ctx, record.providerState, assertion), (o) => o.outcome === 'fail' && o.reason === 'passcode_invalid');
      // A counter gone back (a cloned key) ends the whole login, not only this way of signing in.
      if (outcome.outcome === 'fail' && outcome.reason === 'passkey_refused') throw new FactorgateError('passkey_refused', 'the passkey\'s signature counter went back');
      const notice = await run.wrongAnswer(outcome);
      const expired = outcome.outcome === 'fail' && outcome.reason === 'passcode_expired';
      if (notice || expired) return goOn(login, record, run, await provider.resend(ctx), notice && { ...notice, code: 'passkey_invalid' });
      return goOn(login, record, run, outcome);
    }), web.responder);
  };
}
