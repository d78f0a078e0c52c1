import { Router, type Request } from 'express';
import type { LoginFlow } from './login_flow.js';
import { pushChannel, type PushWatcher } from './push_watcher.js';
import type { Notifier } from '../state/notifier.js';
import { FactorgateError } from '../errors.js';
import { sendError, sendView, type Responder } from './respond.js';
import { body, client, type LoginIdOf } from '../http/request.js';

type Deps = Responder & { flow: LoginFlow; watcher: PushWatcher; notifier: Notifier; loginIdOf: LoginIdOf };

const HEARTBEAT_MS = 15_000;

/**
 * The push waiting page's two endpoints: a server-sent event stream that tells the page the
 * moment the push is approved, denied or expired (no polling from the page), and the confirm
 * post that lets the user in after asking the push server once more.
 */
export function pushRoutes(deps: Deps): Router {
  const { flow, watcher, notifier, loginIdOf } = deps;
  const router = Router();

  router.get('/mfa/push/events', async (req, res) => {
    const loginId = loginIdOf(req);
    if (!loginId || !(await flow.mayWatch(loginId, client(req)))) {
      return sendError(req, res, new FactorgateError('no_login', 'push events without a waiting push'), deps.loginPage);
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
  });

  router.post('/mfa/push/confirm', async (req: Request, res) => {
    const loginId = loginIdOf(req);
    if (!loginId) throw new FactorgateError('no_login', 'push confirm without a valid handle');
    sendView(req, res, await flow.confirmPush(loginId, body(req).csrf ?? req.get('x-csrf-token'), client(req)), deps);
  });

  return router;
}
