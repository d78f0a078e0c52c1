import { expect } from 'chai';
import { request } from 'node:http';
import { signedIn, startPortal, type PortalUnderTest } from '../manage/helpers/portal_app.js';
import { TestBrowser } from '../helpers/browser.js';

// A /manageotp session cookie holds only for the browser that signed in (src/http/browser_binding.ts,
// shared with /admin): copied to another User-Agent or address, it opens nothing and ends the session.

/** A GET from another loopback address (the portal trusts no proxy header: the socket is the address). */
function getFrom(localAddress: string, url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('security: a /manageotp session is bound to the browser that signed in', () => {
  let portal: PortalUnderTest;
  beforeEach(async () => { portal = await startPortal(); });
  afterEach(async () => { await portal.close(); });

  const refusals = () => portal.logs.lines.filter((l) => l.event === 'manageotp_session_refused');

  it('a cookie replayed from another User-Agent opens nothing, and ends the session it was taken from', async () => {
    const { browser } = await signedIn(portal);
    const cookie = `fg_manage=${await browser.cookie('fg_manage', '/manageotp')}`;
    const elsewhere = await new TestBrowser(portal.url).get('/manageotp', { Cookie: cookie, 'User-Agent': 'curl/8.0' });
    expect(elsewhere.body).not.to.contain('Your authenticator apps');
    expect(refusals()).to.have.length(1);
    expect(refusals()[0]).to.deep.include({ user: 'alice', why: 'other_browser', sameUserAgent: false, level: 'warn' });
    expect(JSON.stringify(refusals()[0])).not.to.contain('curl');
    const back = await browser.get('/manageotp/devices/00000000-0000-4000-8000-000000000000');
    expect(back.status, 'the signed-in browser is out too').to.equal(303);
    expect(back.headers.get('location')).to.equal('/manageotp?m=session_expired');
  });

  it('a cookie replayed from another address, with the same User-Agent, opens nothing and ends the session', async () => {
    const { browser } = await signedIn(portal);
    const cookie = `fg_manage=${await browser.cookie('fg_manage', '/manageotp')}`;
    const sameBrowserHere = await getFrom('127.0.0.1', `${portal.url}/manageotp`, { Cookie: cookie, 'User-Agent': 'node' });
    expect(sameBrowserHere.body, 'the same address and User-Agent still opens it').to.contain('Your authenticator apps');
    const elsewhere = await getFrom('127.0.0.2', `${portal.url}/manageotp`, { Cookie: cookie, 'User-Agent': 'node' });
    expect(elsewhere.body).not.to.contain('Your authenticator apps');
    expect(refusals().at(-1)).to.deep.include({ user: 'alice', clientIp: '127.0.0.2', sessionClientIp: '127.0.0.1', sameUserAgent: true });
    expect((await browser.get('/manageotp')).body).not.to.contain('Your authenticator apps');
  });
});
