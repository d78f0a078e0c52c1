import type { RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { body } from '../../http/request.js';
import { checkAnswer } from '../answers.js';
import { goOn, anotherWay } from '../proceed.js';
import { readAnswer } from '../read/read_answer.js';
import { openChallenge } from '../record.js';
import { sendView } from '../respond.js';
import { withLogin } from '../with_login.js';
import { clientOf, csrfOf, requireLoginId, type LoginWeb } from './web.js';

/**
 * POST /mfa/passcode: the user's answer to the open challenge (a passcode, a code from an app, a
 * code typed instead of a push). A wrong or expired one leaves the login open, asking again,
 * within its limits; otherwise the flow goes on.
 */
export function answerEndpoint(web: LoginWeb): RequestHandler {
  const { login } = web;
  return async (req, res) => {
    const loginId = requireLoginId(web, req, 'passcode posted');
    const answer = readAnswer(body(req));
    sendView(req, res, await withLogin(login, loginId, csrfOf(req), clientOf(req), async (record, run) => {
      const challenge = openChallenge(record);
      if (!challenge) throw new FactorgateError('wrong_state', 'passcode posted where a form is asked');
      if (challenge.kind === 'push') {
        if (!challenge.canEnterCode) throw new FactorgateError('wrong_state', 'code typed where only a push is allowed');
        record.path = 'code';
      }
      const outcome = await checkAnswer(login.deps, login.deps.providers.get(record.provider), run.context(), record.providerState, answer);
      const notice = await run.wrongAnswer(outcome);
      if (notice || (outcome.outcome === 'fail' && outcome.reason === 'passcode_expired')) {
        record.providerState = outcome.state;
        return login.outcomes.again(record, notice ?? { code: 'passcode_expired' }, anotherWay(login, record));
      }
      return goOn(login, record, run, outcome);
    }), web.responder);
  };
}
