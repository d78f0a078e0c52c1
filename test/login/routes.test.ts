import { expect } from 'chai';
import express, { type RequestHandler } from 'express';
import type { AddressInfo } from 'node:net';
import { dispatch, type LoginRoute } from '../../src/login/routes.js';

// The login's table as one middleware (src/login/routes.ts) must route as express's Router did.

async function serve(use: (app: express.Express) => void): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  use(app);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

describe('login routes: one lookup, routed as express\'s Router routed them', () => {
  const seen: string[] = [];
  const named = (name: string): RequestHandler => (_req, res) => { seen.push(name); res.send(name); };
  const table: LoginRoute[] = [
    ['POST', '/mfa/login', named('begin')],
    ['GET', '/mfa/passcode', named('show')],
    ['POST', '/mfa/passcode', named('answer')],
    ['POST', '/mfa/cancel', async () => { await Promise.resolve(); throw new Error('refused in the handler'); }],
  ];
  const routed = (app: express.Express) => {
    app.use(dispatch(table));
    app.use((_req, res) => { res.status(404).send('not found'); });
    app.use(((err: Error, _req, res, _next) => { res.status(500).send(`error: ${err.message}`); }) as express.ErrorRequestHandler);
  };
  let dispatched: Awaited<ReturnType<typeof serve>>;
  let router: Awaited<ReturnType<typeof serve>>;
  before(async () => {
    dispatched = await serve(routed);
    // The same table through express's Router, as before.
    router = await serve((app) => {
      const r = express.Router();
      for (const [method, path, handler] of table) r[method === 'GET' ? 'get' : 'post'](path, handler);
      app.use(r);
      app.use((_req, res) => { res.status(404).send('not found'); });
      app.use(((err: Error, _req, res, _next) => { res.status(500).send(`error: ${err.message}`); }) as express.ErrorRequestHandler);
    });
  });
  after(async () => { await dispatched.close(); await router.close(); });

  for (const [method, path] of [
    ['POST', '/mfa/login'], ['POST', '/MFA/Login'], ['POST', '/mfa/login/'], ['GET', '/mfa/passcode'], ['HEAD', '/mfa/passcode'], ['POST', '/mfa/passcode?x=1'],
    ['GET', '/mfa/login'], ['PUT', '/mfa/passcode'], ['POST', '/mfa/login//'], ['POST', '/mfa/loginx'], ['POST', '/mfa'], ['DELETE', '/mfa/login'], ['POST', '/mfa/cancel'],
  ] as const) {
    it(`${method} ${path}: the same status and body as through express's Router`, async () => {
      const [a, b] = await Promise.all([dispatched, router].map((s) => fetch(s.url + path, { method })));
      expect(a!.status, 'status').to.equal(b!.status);
      expect(await a!.text(), 'body').to.equal(await b!.text());
    });
  }

  it('a handler\'s rejected promise reaches the error handler', async () => {
    const reply = await fetch(`${dispatched.url}/mfa/cancel`, { method: 'POST' });
    expect(reply.status).to.equal(500);
    expect(await reply.text()).to.equal('error: refused in the handler');
  });
});
