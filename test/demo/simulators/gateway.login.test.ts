import { expect } from 'chai';
import { createGatewaySimulator, type GatewaySimulator, type GatewaySimulatorOptions, type Refusal } from '../../../src/demo/simulators/gateway/index.js';
import { send } from './helpers.js';

const USERS = { alice: { password: 'alice-secret-1' }, bob: { password: 'bob-secret-22' } };
const SESSION = /^NSC_AAAC=[0-9a-f]{64}; Path=\/; HttpOnly$/;

async function startGateway(options: GatewaySimulatorOptions = {}): Promise<GatewaySimulator> {
  const gateway = createGatewaySimulator({ users: USERS, ...options });
  await gateway.listen();
  return gateway;
}

function post(gateway: GatewaySimulator, form: string, headers: Record<string, string> = {}) {
  return send(`${gateway.url}/cgi/login`, { method: 'POST', body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers } });
}

describe('gateway simulator: the login page', () => {
  let gateway: GatewaySimulator;
  beforeEach(async () => { gateway = await startGateway(); });
  afterEach(() => gateway.close());

  it('serves a form that posts login and passwd to /cgi/login', async () => {
    const page = await send(`${gateway.url}/vpn/index.html`);
    expect(page.status).to.equal(200);
    expect(page.contentType).to.match(/^text\/html/);
    expect(page.body).to.match(/<head>[\s\S]*<style>[\s\S]*<\/head>\s*<body>/);
    expect(page.body).to.include('<form method="post" action="/cgi/login"');
    expect(page.body).to.match(/<label for="login">[^<]+<\/label>\s*<input id="login" name="login" type="text"/);
    expect(page.body).to.match(/<label for="passwd">[^<]+<\/label>\s*<input id="passwd" name="passwd" type="password"/);
    expect(page.body).to.match(/<button type="submit">/);
    expect(page.body).not.to.include('class="error"');
  });

  it('shows an error message when sent back with ?error=1', async () => {
    const page = await send(`${gateway.url}/vpn/index.html?error=1`);
    expect(page.body).to.include('<p class="error" role="alert">Incorrect user name or password.');
  });

  it('sends / to the login page', async () => {
    expect((await send(gateway.url)).headers.get('location')).to.equal('/vpn/index.html');
  });
});

describe('gateway simulator: POST /cgi/login', () => {
  let gateway: GatewaySimulator;
  beforeEach(async () => { gateway = await startGateway(); });
  afterEach(() => gateway.close());

  it('good credentials: 302 to /portal/ with NSC_AAAC=<random>; Path=/; HttpOnly', async () => {
    const reply = await post(gateway, 'login=alice&passwd=alice-secret-1');
    expect(reply.status).to.equal(302);
    expect(reply.headers.get('location')).to.equal('/portal/');
    expect(reply.headers.getSetCookie()).to.have.length(1);
    expect(reply.headers.getSetCookie()[0]).to.match(SESSION);
    const again = await post(gateway, 'login=alice&passwd=alice-secret-1');
    expect(again.headers.getSetCookie()[0]).not.to.equal(reply.headers.getSetCookie()[0]);
    expect(gateway.loginCount('alice')).to.equal(2);
    expect(gateway.loginCount('alice', 'accepted')).to.equal(2);
    expect(gateway.sessionCount('alice')).to.equal(2);
  });

  it('bad credentials: 302 back to the login page with ?error=1 and no cookie', async () => {
    const bad = [
      'login=alice&passwd=wrong', 'login=alice&passwd=bob-secret-22', 'login=mallory&passwd=alice-secret-1',
      'login=alice', 'passwd=alice-secret-1', '', 'login=Alice&passwd=alice-secret-1',
      'login=alice&passwd=alice-secret-1&passwd=x', 'login=alice&login=bob&passwd=alice-secret-1',
      'login=constructor&passwd=x',
    ];
    for (const form of bad) {
      const reply = await post(gateway, form);
      expect(reply.status, form).to.equal(302);
      expect(reply.headers.get('location'), form).to.equal('/vpn/index.html?error=1');
      expect(reply.headers.getSetCookie(), form).to.deep.equal([]);
    }
    expect(gateway.loginCount('alice', 'accepted')).to.equal(0);
    expect(gateway.loginCount('alice', 'rejected')).to.equal(4);
    expect(gateway.sessionCount()).to.equal(0);
  });

  it('refuses a body that is not a form', async () => {
    const reply = await send(`${gateway.url}/cgi/login`, { method: 'POST', body: JSON.stringify({ login: 'alice', passwd: 'alice-secret-1' }), headers: { 'Content-Type': 'application/json' } });
    expect(reply.headers.get('location')).to.equal('/vpn/index.html?error=1');
  });

  it('keeps every login post with its headers, never the password', async () => {
    await post(gateway, 'login=alice&passwd=alice-secret-1', { 'X-Forwarded-For': '198.51.100.4' });
    await post(gateway, 'login=bob&passwd=guess-one');
    const posts = gateway.loginPosts();
    expect(posts.map((p) => [p.login, p.outcome])).to.deep.equal([['alice', 'accepted'], ['bob', 'rejected']]);
    expect(posts[0]!.headers['x-forwarded-for']).to.equal('198.51.100.4');
    expect(JSON.stringify(posts)).not.to.match(/alice-secret-1|guess-one/);
  });

  it('reset() forgets sessions and posts', async () => {
    await post(gateway, 'login=alice&passwd=alice-secret-1');
    gateway.reset();
    expect(gateway.loginCount('alice')).to.equal(0);
    expect(gateway.sessionCount()).to.equal(0);
  });
});

describe('gateway simulator: requireHeader (logins only from factorgate)', () => {
  let gateway: GatewaySimulator;
  beforeEach(async () => { gateway = await startGateway({ requireHeader: { name: 'X-Factorgate-Secret', value: 'shared-secret-0123456789' } }); });
  afterEach(() => gateway.close());

  it('refuses a login post without the header, or with another value, with 403 and no cookie', async () => {
    const wrongHeaders: Array<Record<string, string>> = [{}, { 'X-Factorgate-Secret': 'shared-secret-012345678' }, { 'X-Factorgate-Secret': '' }, { 'X-Other': 'shared-secret-0123456789' }];
    for (const headers of wrongHeaders) {
      const reply = await post(gateway, 'login=alice&passwd=alice-secret-1', headers);
      expect(reply.status, JSON.stringify(headers)).to.equal(403);
      expect(reply.headers.getSetCookie()).to.deep.equal([]);
    }
    expect(gateway.loginCount('alice', 'forbidden')).to.equal(4);
    expect(gateway.sessionCount()).to.equal(0);
  });

  it('accepts a login post with the exact header (its name in any case)', async () => {
    const reply = await post(gateway, 'login=alice&passwd=alice-secret-1', { 'x-factorgate-secret': 'shared-secret-0123456789' });
    expect(reply.status).to.equal(302);
    expect(reply.headers.get('location')).to.equal('/portal/');
    expect(reply.headers.getSetCookie()[0]).to.match(SESSION);
  });

  it('still checks the password behind the header', async () => {
    const reply = await post(gateway, 'login=alice&passwd=nope', { 'X-Factorgate-Secret': 'shared-secret-0123456789' });
    expect(reply.headers.get('location')).to.equal('/vpn/index.html?error=1');
  });
});

describe('gateway simulator: refuseAs (a wrong password refused in one way only)', () => {
  // What each way looks like on the wire: the one sign of refusal, and success in every other.
  const shapes: Record<Exclude<Refusal, 'loginPage'>, { status: number; location: string | null; cookie: RegExp | null }> = {
    errorPage: { status: 200, location: null, cookie: null },
    loginPageWithCookie: { status: 302, location: '/vpn/index.html?error=1', cookie: /^NSC_AAAC=[0-9a-f]{64}; Path=\/; HttpOnly$/ },
    emptyCookie: { status: 302, location: '/portal/', cookie: /^NSC_AAAC=; Path=\/; HttpOnly$/ },
    expiredCookie: { status: 302, location: '/portal/', cookie: /^NSC_AAAC=[0-9a-f]{64}; Path=\/; HttpOnly; Expires=Thu, 01 Jan 1970 00:00:00 GMT$/ },
    errorStatusWithCookie: { status: 403, location: null, cookie: /^NSC_AAAC=[0-9a-f]{64}; Path=\/; HttpOnly$/ },
  };
  for (const [refuseAs, shape] of Object.entries(shapes) as Array<[Refusal, (typeof shapes)[keyof typeof shapes]]>) {
    it(`${refuseAs}: answers a wrong password so; its cookie opens nothing; the right password still gets a session`, async () => {
      const gateway = await startGateway({ refuseAs });
      try {
        const reply = await post(gateway, 'login=alice&passwd=wrong');
        expect(reply.status).to.equal(shape.status);
        expect(reply.headers.get('location')).to.equal(shape.location);
        const cookies = reply.headers.getSetCookie();
        if (shape.cookie) {
          expect(cookies).to.have.length(1);
          expect(cookies[0]).to.match(shape.cookie);
          const portal = await send(`${gateway.url}/portal/`, { headers: { Cookie: cookies[0]!.split(';')[0]! } });
          expect(portal.status).to.equal(302);
        } else {
          expect(cookies).to.deep.equal([]);
        }
        expect(gateway.loginCount('alice', 'rejected')).to.equal(1);
        expect(gateway.sessionCount()).to.equal(0);
        const good = await post(gateway, 'login=alice&passwd=alice-secret-1');
        expect(good.headers.get('location')).to.equal('/portal/');
        expect(good.headers.getSetCookie()[0]).to.match(SESSION);
      } finally {
        await gateway.close();
      }
    });
  }

  it('refuses a way it does not know, naming the option', () => {
    expect(() => createGatewaySimulator({ refuseAs: 'maybe' as Refusal })).to.throw(/refuseAs/);
  });
});

describe('gateway simulator: options', () => {
  it('names the session cookie as configured', async () => {
    const gateway = await startGateway({ sessionCookie: 'GW_SESSION' });
    try {
      const reply = await post(gateway, 'login=bob&passwd=bob-secret-22');
      expect(reply.headers.getSetCookie()[0]).to.match(/^GW_SESSION=[0-9a-f]{64}; Path=\/; HttpOnly$/);
      const portal = await send(`${gateway.url}/portal/`, { headers: { Cookie: reply.headers.getSetCookie()[0]!.split(';')[0]! } });
      expect(portal.status).to.equal(200);
    } finally {
      await gateway.close();
    }
  });

  it('refuses bad options, naming each one', () => {
    expect(() => createGatewaySimulator({ users: USERS, sessionCookie: 'a b', requireHeader: { name: 'X:Y', value: '' } }))
      .to.throw(/sessionCookie: .*requireHeader\.name: .*requireHeader\.value: /s);
  });
});
