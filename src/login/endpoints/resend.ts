import type { RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { body } from '../../http/request.js';
import type { Challenge, DeliveryMethod } from '../../providers/provider.js';
import { pushesPausedNotice, pushesSpent } from '../chosen_way.js';
import { anotherWay, goOn } from '../proceed.js';
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
      // Another way the challenge offers (the passcode by SMS instead of e-mail), or none. A way
      // this user was not offered (no phone on file, a forged post) sends nothing and costs no resend.
      const via = readVia(body(req).via, challenge);
      if (via?.offered === false) {
        logger.warn({ event: 'via_not_offered', user: record.username, clientIp: record.clientIp, via: via.method }, 'a way to send the passcode this user was not offered; nothing sent');
        return login.outcomes.again(record, { code: via.method === 'SMS' ? 'no_phone_on_file' : 'no_email_on_file' }, anotherWay(login, record));
      }
      if (record.resends >= config.limits.resendsPerLogin) throw new FactorgateError('rate_limited', 'too many resends for this login', { limit: 'resends' });
      record.resends += 1;
      // A user locked meanwhile (wrong answers, a denied push, in this login or another) is sent
      // nothing more, neither a push nor a passcode: the lock ends the login, as at any other step.
      await login.deps.limits.refuseIfLocked(record.username);
      const push = challenge.kind === 'push';
      if (push) {
        // The user's pushes for the window spent: the push on the phone still stands, and so does the login.
        const refused = await login.deps.limits.admitPush(record.username).then(() => undefined, (err: unknown) => {
          if (pushesSpent(err)) return err;
          throw err;
        });
        if (refused) {
          // Refused as surely as when the limit ends a login: counted alike, and the refused push stays counted.
          login.deps.metrics.rateLimitRefusals.inc({ limit: 'pushes-user' });
          logger.warn({ event: 'push_resend_refused', user: record.username, clientIp: record.clientIp, limit: 'pushes-user' },
            'user asked for a new push with their pushes for the window spent; none sent, the push step stands');
          return login.outcomes.again(record, pushesPausedNotice(config.limits), anotherWay(login, record));
        }
        logger.info({ event: 'push_resend', user: record.username, clientIp: record.clientIp }, 'user asked for a new push');
      }
      const outcome = await providers.get(record.provider).resend(run.context(), record.providerState, via?.method);
      if (via && outcome.outcome === 'fail' && outcome.reason === 'method_unavailable') return login.outcomes.again(record, { code: 'via_unavailable' }, anotherWay(login, record));
      return goOn(login, record, run, outcome, { code: push ? 'push_resent' : 'passcode_resent' });
    }), web.responder);
  };
}

const METHODS: readonly DeliveryMethod[] = ['EMAIL', 'SMS'];

/**
 * The way asked for, and whether the open challenge offers it. Only a passcode sent by the
 * two-factor server has other ways; a word that names no way at all, or a way asked of any other
 * step, is refused.
 */
function readVia(value: unknown, challenge: Challenge): { method: DeliveryMethod; offered: boolean } | undefined {
  if (value === undefined || value === '') return undefined;
  const method = METHODS.find((each) => each === value);
  if (!method || challenge.kind !== 'passcode' || challenge.fromApp) throw new FactorgateError('invalid_input', 'a way to send the passcode that this step does not offer');
  return { method, offered: challenge.otherMethods?.includes(method) ?? false };
}
