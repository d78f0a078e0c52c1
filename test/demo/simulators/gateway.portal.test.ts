import { expect } from 'chai';
import { createGatewaySimulator, type GatewaySimulator } from '../../../src/demo/simulators/gateway/index.js';
import { send } from './helpers.js';

describe('gateway simulator: the portal needs the session cookie', () => {
  let gateway: GatewaySimulator;
  beforeEach(async () => {
    gateway = createGatewaySimulator({ users: { alice: { password: 'alice-secret-1' }, 'x<y>': { password: 'xy-secret-12' } } });
    await gateway.listen();
  });
  afterEach(() => gateway.close());

  async function login(user: string, password: string): Promise<string> {
    const reply = await send(`${gateway.url}/cgi/login`, {
      method: 'POST', body: new URLSearchParams({ login: user, passwd: password }), headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    return reply.headers.getSetCookie()[0]!.split(';')[0]!;
  }
  const portal = (cookie?: string) => send(`${gateway.url}/portal/`, { headers: cookie ? { Cookie: cookie } : {} });

  it('without a live session: 302 to the login page', async () => {
    for (const cookie of [undefined, 'NSC_AAAC=0123', 'NSC_AAAC=', 'other=1']) {
      const reply = await portal(cookie);
      expect(reply.status, cookie).to.equal(302);
      expect(reply.headers.get('location')).to.equal('/vpn/index.html');
    }
  });

  it('with the cookie: says who is logged in and offers logout', async () => {
    const reply = await portal(`other=1; ${await login('alice', 'alice-secret-1')}`);
    expect(reply.status).to.equal(200);
    expect(reply.body).to.include('Logged in as <strong id="user">alice</strong>');
    expect(reply.body).to.include('<form method="post" action="/cgi/logout">');
    expect(reply.body).to.include('href="/cgi/logout"');
  });

  it('escapes the user name', async () => {
    const reply = await portal(await login('x<y>', 'xy-secret-12'));
    expect(reply.body).to.include('Logged in as <strong id="user">x&lt;y&gt;</strong>');
  });

  for (const method of ['POST', 'GET']) {
    it(`${method} /cgi/logout ends the session, clears the cookie and goes to the login page`, async () => {
      const cookie = await login('alice', 'alice-secret-1');
      const other = await login('alice', 'alice-secret-1');
      const reply = await send(`${gateway.url}/cgi/logout`, { method, headers: { Cookie: cookie } });
      expect(reply.status).to.equal(302);
      expect(reply.headers.get('location')).to.equal('/vpn/index.html');
      expect(reply.headers.getSetCookie()).to.deep.equal(['NSC_AAAC=; Path=/; HttpOnly; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT']);
      expect((await portal(cookie)).status).to.equal(302);
      // Only that session ended.
      expect((await portal(other)).status).to.equal(200);
      expect(gateway.sessionCount('alice')).to.equal(1);
    });
  }

  it('logout without a session still clears the cookie', async () => {
    const reply = await send(`${gateway.url}/cgi/logout`, { method: 'POST' });
    expect(reply.status).to.equal(302);
    expect(reply.headers.getSetCookie()[0]).to.match(/^NSC_AAAC=; .*Max-Age=0/);
  });
});
