import { expect } from 'chai';
import { request } from 'node:http';
import fc from 'fast-check';
import nock from 'nock';
import { startHarness, type Harness } from '../helpers/harness.js';
import { TestBrowser } from '../helpers/browser.js';
import { ANAKAM_URL } from '../helpers/config.js';
import { authReply, challengeReply, commandOf } from '../helpers/anakam_replies.js';

type Sent = { status: number; setCookie: string[] };

/** One request exactly as generated; a target Node refuses to send counts as not sent. */
function send(base: string, method: string, path: string, headers: Record<string, string>, body: string): Promise<Sent | undefined> {
  const { hostname, port } = new URL(base);
  const payload = method === 'GET' || method === 'HEAD' ? '' : body;
  return new Promise((resolve, reject) => {
    let req;
    try {
      req = request({ hostname, port, method, path, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(payload)) } });
    } catch {
      return resolve(undefined);
    }
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [] }));
    });
    req.on('error', () => resolve(undefined));
    // A request factorgate never answers is a failure of its own (a hang is a denial of service).
    req.setTimeout(3000, () => reject(new Error(`no answer to ${method} ${path}`)));
    req.end(payload);
  });
}

const paths = ['/mfa/login', '/mfa/passcode', '/mfa/resend', '/mfa/cancel', '/mfa/static/factorgate.js', '/mfa/', '/cgi/login', '/CGI/Login/', '//cgi//login', '/cgi/login;x', '/cgi%2flogin', '/vpn/index.html', '/healthz'];
const contentTypes = ['application/x-www-form-urlencoded', 'application/json', 'text/plain', 'application/xml', 'multipart/form-data; boundary=zz', 'application/json; charset=utf-16', ''];
const fieldNames = ['login', 'passwd', 'passcode', 'csrf', 'fg_csrf', 'remember', '__proto__', 'constructor', 'login[]', 'passwd[x]'];

describe('security: randomized hostile requests', function () {
  this.timeout(120_000);
  let h: Harness;
  let callouts = 0;
  before(async () => {
    h = await startHarness({ limits: { loginStartsPerClient: 10_000, loginStartsPerUser: 1000 } });
    // A two-factor server that answers every well-formed call, so accepted input can travel the whole flow.
    nock(ANAKAM_URL).persist().post(/\/auth$/).query(true).reply(200, (uri) => ++callouts && authReply(`fuzz-${Math.random().toString(36).slice(2, 12)}`, new URL(uri, ANAKAM_URL).searchParams.get('userKey') ?? ''));
    nock(ANAKAM_URL).persist().put(/\/challenge\//).reply(200, (_uri, body) => {
      const command = commandOf(body);
      const status = { SELECT_METHOD: 'METHOD_SELECTED', GET_PARAMS: 'PASSCODE_SENT', VERIFY_PASSCODE: 'PASSCODE_INVALID', VERIFY_DEVICE: 'DEVICE_UNKNOWN', COMPLETE: 'NOT_AUTHENTICATED' }[command ?? ''] ?? 'UNKNOWN';
      return challengeReply(status, status === 'PASSCODE_INVALID' ? { attemptsRemaining: '3' } : {});
    });
  });
  after(async () => { await h.close(); });

  it('3,000 malformed requests: no 5xx, no crash, no unhandled rejection, no gateway session', async () => {
    const browser = h.browser();
    const page = await browser.get('/vpn/index.html');
    const token = TestBrowser.formToken(page.body);
    const tokenCookie = (await browser.jar.getCookieString(`${h.fg.url}/mfa/`));
    let unhandled = 0;
    const onUnhandled = () => { unhandled += 1; };
    process.on('unhandledRejection', onUnhandled);
    const seen: Sent[] = [];

    const requestArb = fc.record({
      method: fc.constantFrom('GET', 'POST', 'POST', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS'),
      path: fc.tuple(fc.constantFrom(...paths), fc.constantFrom('', '?', '?a=%zz', '/..', '%00', '%2e%2e/', ';jsessionid=1', '#x')).map(([p, s]) => p + s),
      type: fc.constantFrom(...contentTypes),
      withToken: fc.boolean(),
      // A third of the requests look like real login posts, so hostile fields travel into the flow.
      loginShaped: fc.integer({ min: 0, max: 2 }).map((n) => n === 0),
      login: fc.oneof(fc.constantFrom('alice', 'bob', 'DOM\\carol', 'x@example.com'), fc.string({ maxLength: 140 })),
      passwd: fc.string({ minLength: 1, maxLength: 300 }),
      cookie: fc.oneof(fc.constant(''), fc.string({ maxLength: 200 }).map((s) => s.replace(/[\r\n\0]/g, '')), fc.constant('authkey=a.b; fg_csrf=c.d')),
      fields: fc.dictionary(fc.constantFrom(...fieldNames), fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('alice', '123456', 'on', '<x>&amp;]]>', '%', '\u0000')), { maxKeys: 6 }),
      raw: fc.option(fc.string({ maxLength: 2000 }), { nil: undefined }),
    });

    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        if (r.loginShaped) Object.assign(r, { method: 'POST', path: '/mfa/login', type: 'application/x-www-form-urlencoded', withToken: true, cookie: '', raw: undefined });
        const fields = r.withToken ? { ...r.fields, login: r.login, passwd: r.passwd, fg_csrf: token } : r.fields;
        const body = r.raw ?? (r.type.startsWith('application/json') ? JSON.stringify(fields) : new URLSearchParams(fields).toString());
        const headers: Record<string, string> = { Accept: Math.random() < 0.5 ? 'application/json' : 'text/html' };
        if (r.type) headers['Content-Type'] = r.type;
        const cookie = [r.withToken ? tokenCookie : '', r.cookie].filter(Boolean).join('; ');
        if (cookie) headers.Cookie = cookie;
        const reply = await send(h.fg.url, r.method, r.path, headers, body);
        if (!reply) return;
        seen.push(reply);
        expect(reply.status, `${r.method} ${r.path} ${r.type}`).to.be.below(500);
        expect(reply.setCookie.some((c) => c.startsWith('NSC_AAAC'))).to.equal(false);
      }),
      { numRuns: 3000, seed: 20261123 },
    );
    process.off('unhandledRejection', onUnhandled);

    expect(seen.length).to.be.greaterThan(2500);
    expect(unhandled).to.equal(0);
    expect(h.gateway.logins).to.have.length(0);
    expect((await h.browser().get('/healthz')).status).to.equal(200);
    // The flow was really reached, not only refused at the door.
    expect(callouts).to.be.greaterThan(50);
  });
});
