import { expect } from 'chai';
import express from 'express';
import helmet from 'helmet';
import type { AddressInfo } from 'node:net';
import { securityHeaders } from '../../src/app.js';

// helmet's headers worked out once (securityHeaders in src/app.ts) must be exactly helmet's.

async function serve(use: (app: express.Express) => void): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  use(app);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

describe('security headers: helmet\'s, worked out once', () => {
  for (const hsts of [true, false]) {
    it(`sets exactly the headers helmet sets (hsts ${hsts})`, async () => {
      const options = { contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"] } }, hsts };
      const page = (app: express.Express) => app.get('/mfa/x', (_req, res) => { res.setHeader('X-Powered-By', 'something'); res.send('x'); });
      const ours = await serve((app) => { app.disable('x-powered-by'); app.use(securityHeaders(options)); page(app); });
      const theirs = await serve((app) => { app.disable('x-powered-by'); app.use(helmet(options)); page(app); });
      try {
        const headersOf = async (url: string) => {
          const reply = await fetch(`${url}/mfa/x`);
          const all = Object.fromEntries([...reply.headers].filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name)));
          return all;
        };
        const [a, b] = await Promise.all([headersOf(ours.url), headersOf(theirs.url)]);
        expect(a).to.deep.equal(b);
        expect(a).to.have.property('content-security-policy');
        expect(Object.keys(a).includes('strict-transport-security')).to.equal(hsts);
      } finally {
        await ours.close();
        await theirs.close();
      }
    });
  }

  it('refuses at start-up options helmet refuses', () => {
    expect(() => securityHeaders({ contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ['self'] } } })).to.throw();
  });
});
