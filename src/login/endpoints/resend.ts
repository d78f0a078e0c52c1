import type { RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { goOn } from '../proceed.js';
import { openChallenge } from '../record.js';
import { sendView } from '../respond.js';
import { withLogin } from '../with_login.js';
import { clientOf, csrfOf, requireLoginId, type LoginWeb } from './web.js';

/** POST /mfa/resend: a new passcode or push for the open challenge, the old one void; limited per login. */
export function resendEndpoint(web: LoginWeb): RequestHandler {
  const { login } = web;
  return async (req, res) => {
    const loginId = requireLoginId(web, req, 'resend');
    sendView(req, res, await withLogin(login, loginId, csrfOf(req), clientOf(req), async (record, run) => {
      const { config, logger, providers } = login.deps;
      const challenge = openChallenge(record);
      if (!challenge || challenge.kind === 'enrol') throw new FactorgateError('wrong_state', 'nothing to send again in this step');
      if (record.resends >= config.limits.resendsPerLogin) throw new FactorgateError('rate_limited', 'too many resends for this login', { limit: 'resends' });
      record.resends += 1;
      const push = challenge.kind === 'push';
      if (push) logger.info({ event: 'push_resend', user: record.username, clientIp: record.clientIp }, 'user asked for a new push');
      const outcome = await providers.get(record.provider).resend(run.context(), record.providerState);
      return goOn(login, record, run, outcome, { code: push ? 'push_resent' : 'passcode_resent' });
    }), web.responder);
  };
}
