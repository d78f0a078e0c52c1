import type { RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { goOn, anotherWay } from '../proceed.js';
import { openChallenge } from '../record.js';
import { sendView } from '../respond.js';
import { poll } from '../push_poll.js';
import { withLogin } from '../with_login.js';
import { clientOf, csrfOf, requireLoginId, type LoginWeb } from './web.js';

/**
 * POST /mfa/push/confirm: the page says the user acted on the push. The push server is asked
 * once more, and only "approved" lets the user in, and only a user not locked; a push that timed
 * out, or on which a wrong number was picked, may be sent again while the login's limits allow.
 */
export function pushConfirmEndpoint(web: LoginWeb): RequestHandler {
  const { login } = web;
  return async (req, res) => {
    const loginId = requireLoginId(web, req, 'push confirm');
    sendView(req, res, await withLogin(login, loginId, csrfOf(req), clientOf(req), async (record, run) => {
      const challenge = openChallenge(record);
      if (challenge?.kind !== 'push') throw new FactorgateError('wrong_state', 'no push to confirm');
      const outcome = await poll(login, record);
      // An approval lets in only a user not locked since the push was sent: a lock met by pushes
      // denied one after another (push bombing) is not undone by the one the user gives in to.
      if (outcome.outcome === 'success') await login.deps.limits.refuseIfLocked(record.username);
      if (outcome.outcome === 'fail' && outcome.reason === 'push_expired') {
        login.deps.logger.info({ event: 'push_timeout', user: record.username, clientIp: record.clientIp }, 'no answer from the device within the timeout');
      }
      // Expired (the push and its code together, one clock) or a wrong number picked (a slip as
      // often as not): the push is void, and only a new one can be answered, while resends are left.
      if (outcome.outcome === 'fail' && (outcome.reason === 'push_expired' || outcome.reason === 'push_wrong_number')
        && record.resends < login.deps.config.limits.resendsPerLogin) {
        record.providerState = outcome.state;
        return login.outcomes.again(record, { code: outcome.reason }, anotherWay(login, record));
      }
      // Still open: the page says the approval has not arrived yet, instead of redrawing silently.
      return goOn(login, record, run, outcome, outcome.outcome === 'challenge' ? { code: 'push_waiting' } : undefined);
    }), web.responder);
  };
}
