import type { Request, RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { sameBrowser, type Client } from '../client.js';
import type { Login } from '../login.js';
import { openView } from '../proceed.js';
import { sendView } from '../respond.js';
import type { LoginView, Notice, NoticeCode } from '../views.js';
import { clientOf, type LoginWeb } from './web.js';

/** GET /mfa/passcode: the open step as a page (where a no-script browser lands after each post) or, for the script, as JSON. */
export function showStepEndpoint(web: LoginWeb): RequestHandler {
  return async (req, res) => {
    const view = await openStep(web.login, web.loginIdOf(req) ?? '', clientOf(req));
    if (view.kind === 'challenge') view.notice = noticeFromQuery(req, web.login.deps.config.limits.windowSeconds);
    sendView(req, res, view, web.responder);
  };
}

/** The open step of a login awaiting an answer, for the browser that started it. */
export async function openStep(login: Login, loginId: string, client: Client): Promise<LoginView> {
  const record = await login.deps.records.load(loginId);
  if (!record || record.state !== 'awaiting_answer' || !sameBrowser(record, client)) {
    return { kind: 'failed', error: new FactorgateError('no_login', 'no login awaiting an answer'), forgetDevice: false };
  }
  return openView(login, record);
}

const NOTICE_CODES = new Set<NoticeCode>(['passcode_invalid', 'code_invalid', 'code_reused', 'passcode_expired', 'device_refused', 'passcode_resent', 'push_expired', 'push_wrong_number', 'push_waiting', 'push_resent', 'recovery_code_invalid', 'via_unavailable', 'no_phone_on_file', 'no_email_on_file', 'way_not_offered', 'way_unavailable', 'pushes_paused']);

/**
 * Only known notice codes, a small number and what follows the last attempt survive the redirect;
 * nothing else is echoed (a lock's or a pause's length is the configured window, never the query's).
 */
function noticeFromQuery(req: Request, windowSeconds: number): Notice | undefined {
  const code = req.query.notice;
  if (typeof code !== 'string' || !NOTICE_CODES.has(code as NoticeCode)) return undefined;
  const left = Number(req.query.left);
  const then = req.query.then;
  const after = then === 'lock' ? { then: 'lock' as const, lockSeconds: windowSeconds } : then === 'end' ? { then: 'end' as const } : undefined;
  return {
    code: code as NoticeCode, attemptsRemaining: Number.isInteger(left) && left >= 0 && left < 100 ? left : undefined, ...(after && { after }),
    ...(code === 'pushes_paused' && { pauseSeconds: windowSeconds }),
  };
}
