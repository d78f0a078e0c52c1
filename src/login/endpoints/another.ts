import type { RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { resumeFlow } from '../../flows/index.js';
import { anotherWay, settle } from '../proceed.js';
import { openChallenge } from '../record.js';
import { sendView } from '../respond.js';
import { withLogin } from '../with_login.js';
import { withdrawOpenPush } from '../withdraw_push.js';
import { clientOf, csrfOf, requireLoginId, type LoginWeb } from './web.js';

/** POST /mfa/another: the user gives up the open challenge ("use another way"); it counts as failed, and the factor's next policy runs. */
export function anotherEndpoint(web: LoginWeb): RequestHandler {
  const { login } = web;
  return async (req, res) => {
    const loginId = requireLoginId(web, req, 'another way asked');
    sendView(req, res, await withLogin(login, loginId, csrfOf(req), clientOf(req), async (record, run) => {
      if (!openChallenge(record) || !record.flow || !anotherWay(login, record, run)) throw new FactorgateError('wrong_state', 'no other way to try here');
      login.deps.logger.info({ event: 'another_way', user: record.username, clientIp: record.clientIp, provider: record.provider }, 'user gave up the open challenge for the next policy');
      await withdrawOpenPush(login, record);
      record.open = undefined;
      return settle(login, record, await resumeFlow(login.deps.flow, record.flow, run.facts, run.resumeWith('fail').act), run);
    }), web.responder);
  };
}
