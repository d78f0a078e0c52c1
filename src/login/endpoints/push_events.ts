import type { RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { sameBrowser } from '../client.js';
import { openChallenge } from '../record.js';
import { pushChannel } from '../push_watcher.js';
import { sendError } from '../respond.js';
import { clientOf, type LoginWeb } from './web.js';

const HEARTBEAT_MS = 15_000;

/**
 * GET /mfa/push/events: a server-sent event stream that tells the waiting page the moment the
 * push is approved, denied or expired (no polling from the page). Only the browser that started
 * the login may listen; one poller per login asks the push server (push_watcher.ts).
 */
export function pushEventsEndpoint(web: LoginWeb): RequestHandler {
  const { login, watcher, notifier } = web;
  return async (req, res) => {
    const loginId = web.loginIdOf(req);
    const record = loginId === undefined ? undefined : await login.deps.records.load(loginId);
    if (!loginId || !record || openChallenge(record)?.kind !== 'push' || !sameBrowser(record, clientOf(req))) {
      return sendError(req, res, new FactorgateError('no_login', 'push events without a waiting push'), web.responder.loginPage);
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 3000\n\n');
    let last = '';
    const send = (verdict: string) => {
      if (verdict === last) return;
      last = verdict;
      res.write(`event: verdict\ndata: ${JSON.stringify({ verdict })}\n\n`);
      if (verdict !== 'open') end();
    };
    const unsubscribe = notifier.subscribe(pushChannel(loginId), send);
    const heartbeat = setInterval(() => res.write(': still waiting\n\n'), HEARTBEAT_MS);
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      res.end();
    };
    req.on('close', end);
    await watcher.watch(loginId);
  };
}
