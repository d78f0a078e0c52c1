import type { RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { body } from '../../http/request.js';
import { anotherWay, settle } from '../proceed.js';
import { pushesPausedNotice, runChosenWay } from '../chosen_way.js';
import { openChallenge, type LoginRecord } from '../record.js';
import { sendView } from '../respond.js';
import type { Notice } from '../views.js';
import { withLogin } from '../with_login.js';
import { withdrawOpenPush } from '../withdraw_push.js';
import { clientOf, csrfOf, requireLoginId, type LoginWeb } from './web.js';

/**
 * POST /mfa/another: the user gives up the open challenge ("Other options"); it counts as failed.
 * With `way` (a policy's index), that policy runs, and nothing in between; without it, the first
 * way offered. Only a way offered with the challenge is taken: a later policy of the factor that
 * was not (the user has no app, say) starts nothing, and the user is told; anything else that
 * names no later policy does not fit the step and ends the login. A chosen way that cannot start
 * (chosen_way.ts) starts nothing after it either: the open step stands, with a notice (its own
 * when the user's pushes for the window are spent), and that way is no longer offered with it.
 */
export function anotherEndpoint(web: LoginWeb): RequestHandler {
  const { login } = web;
  return async (req, res) => {
    const loginId = requireLoginId(web, req, 'another way asked');
    sendView(req, res, await withLogin(login, loginId, csrfOf(req), clientOf(req), async (record, run) => {
      const { flow, logger } = login.deps;
      const chosen = readWay(body(req).way);
      const state = openChallenge(record) ? record.flow : undefined;
      if (!state) throw new FactorgateError('wrong_state', 'no other way to try here');
      const ways = anotherWay(login, record);
      // A later policy of the open factor, in the flow the login runs on (else the post fits nothing).
      const later = state.flow === flow.fingerprint && chosen !== undefined && chosen > state.policy ? flow.factors.get(state.factor)?.policies[chosen] : undefined;
      if (later && !ways?.some((way) => way.policy === later.index)) {
        logger.warn({ event: 'way_not_offered', user: record.username, clientIp: record.clientIp, policy: later.index, action: later.action },
          'a way to sign in this user was not offered; nothing started');
        return login.outcomes.again(record, { code: 'way_not_offered' }, ways);
      }
      const policy = chosen ?? ways?.[0]?.policy;
      if (policy === undefined || !ways) throw new FactorgateError('wrong_state', 'no other way to try here');
      if (!ways.some((way) => way.policy === policy)) throw new FactorgateError('wrong_state', 'that way is not offered here');
      logger.info({ event: 'another_way', user: record.username, clientIp: record.clientIp, provider: record.provider, ...(chosen === undefined ? {} : { policy: chosen }) },
        'user gave up the open challenge for another policy');
      // The open step as it stands: its push is withdrawn only once the chosen way has started (or the login ends).
      const open: LoginRecord = { ...record };
      const leaveOpenStep = async () => {
        await withdrawOpenPush(login.deps, open);
        record.open = undefined;
      };
      const started = await runChosenWay(login, record, run, state, policy).catch(async (err: unknown) => {
        await leaveOpenStep();
        throw err;
      });
      if (started.kind === 'unavailable') {
        const action = flow.factors.get(state.factor)?.policies[policy]?.action;
        const pushesPaused = started.reason === 'rate_limited';
        // The limit refused a push as surely as when it ends a login: counted alike.
        if (pushesPaused) login.deps.metrics.rateLimitRefusals.inc({ limit: 'pushes-user' });
        logger.warn({ event: 'way_unavailable', user: record.username, clientIp: record.clientIp, policy, action, reason: started.reason, ...(pushesPaused ? { limit: 'pushes-user' } : {}) },
          'the way the user chose could not start; nothing else was started, the open step stands and that way is no longer offered with it');
        const left = ways.filter((way) => way.policy !== policy);
        const notice: Notice = pushesPaused ? pushesPausedNotice(login.deps.config.limits) : { code: 'way_unavailable' };
        return login.outcomes.again(record, notice, left.length ? left : undefined);
      }
      await leaveOpenStep();
      return settle(login, record, started.step, run);
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
