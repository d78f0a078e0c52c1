import type { RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { resumeFlow, switchToPolicy } from '../../flows/index.js';
import { body } from '../../http/request.js';
import { anotherWay, settle } from '../proceed.js';
import { openChallenge } from '../record.js';
import { sendView } from '../respond.js';
import { withLogin } from '../with_login.js';
import { withdrawOpenPush } from '../withdraw_push.js';
import { clientOf, csrfOf, requireLoginId, type LoginWeb } from './web.js';

/**
 * POST /mfa/another: the user gives up the open challenge ("Other options"); it counts as failed.
 * With `way` (a policy's index, one of those offered), that policy runs, and nothing in between;
 * without it, the factor's next policy that applies, as before.
 */
export function anotherEndpoint(web: LoginWeb): RequestHandler {
  const { login } = web;
  return async (req, res) => {
    const loginId = requireLoginId(web, req, 'another way asked');
    sendView(req, res, await withLogin(login, loginId, csrfOf(req), clientOf(req), async (record, run) => {
      const chosen = readWay(body(req).way);
      const ways = openChallenge(record) && record.flow ? anotherWay(login, record, run) : undefined;
      if (!ways || !record.flow) throw new FactorgateError('wrong_state', 'no other way to try here');
      if (chosen !== undefined && !ways.some((way) => way.policy === chosen)) throw new FactorgateError('wrong_state', 'that way is not offered here');
      login.deps.logger.info({ event: 'another_way', user: record.username, clientIp: record.clientIp, provider: record.provider, ...(chosen === undefined ? {} : { policy: chosen }) },
        'user gave up the open challenge for another policy');
      await withdrawOpenPush(login.deps, record);
      record.open = undefined;
      const step = chosen === undefined
        ? await resumeFlow(login.deps.flow, record.flow, run.facts, run.resumeWith('fail').act)
        : await switchToPolicy(login.deps.flow, record.flow, chosen, run.facts, run.act);
      return settle(login, record, step, run);
    }), web.responder);
  };
}

/** The chosen policy's index: absent, or a small whole number; anything else is refused. */
function readWay(value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^[0-9]{1,3}$/.test(text)) throw new FactorgateError('bad_request', 'way is not a policy index');
  return Number(text);
}
