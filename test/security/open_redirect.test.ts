import { expect } from 'chai';
import type { IncomingMessage } from 'node:http';
import { GatewayReplayer } from '../../src/gateway/replay.js';
import { safeLocation } from '../../src/gateway/safe_location.js';
import { LOGIN_PAGE } from '../helpers/gateway_stub.js';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { startScriptedServer, type ScriptedAnswer, type ScriptedServer } from '../helpers/scripted_server.js';
import { AnakamScript } from '../helpers/anakam_script.js';

// After the replay factorgate sends the browser where the gateway said, but only to a path on
// factorgate's own origin: a Location that a browser would read as another origin must become `/`.
// `new URL` resolves `/.//evil.example/x` to the path `//evil.example/x` on the gateway's own
// origin, which a browser, told `Location: //evil.example/x`, takes for another host.

const KEY = 'ffffffff-6666-4e22-8018-e4cf70027375';
/** The gateway's Location, and where the browser may be sent for it. */
const VARIANTS: Array<[string, string]> = [
  ['//evil.example/x', '/'],
  ['/\\evil.example/x', '/'],
  ['/.//evil.example/x', '/'],
  ['/..//evil.example/x', '/'],
  ['/vpn/..//evil.example/x', '/'],
  ['///evil.example/x', '/'],
  ['\\/evil.example/x', '/'],
  ['/\t/evil.example/x', '/'],
  ['https://other-origin.example/x', '/'],
  ['javascript:alert(1)', '/'],
  ['data:text/html,<script>alert(1)</script>', '/'],
  ['/%2f/evil.example/x', '/%2f/evil.example/x'],
  ['/%5c/evil.example/x', '/%5c/evil.example/x'],
  ['/vpn/portal.html?next=//evil.example', '/vpn/portal.html?next=//evil.example'],
];

/** What a browser makes of a Location factorgate sent: it must stay on factorgate's origin. */
function expectLocal(location: string | null, factorgate: string): void {
  expect(location).to.be.a('string').and.match(/^\/(?![/\\])/);
  expect(location).not.to.match(/[\\\p{Cc}]/u);
  expect(new URL(location!, factorgate).origin).to.equal(new URL(factorgate).origin);
}

describe('security: open redirect after the replay', () => {
  let server: ScriptedServer;
  let h: Harness;
  let location = '/';
  before(async () => {
    server = await startScriptedServer((req: IncomingMessage): ScriptedAnswer => {
      if (req.method === 'GET' && req.url === '/vpn/index.html') return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: LOGIN_PAGE };
      return { status: 302, headers: { Location: location, 'Set-Cookie': 'NSC_AAAC=s1; Path=/' } };
    });
    h = await startHarness({ gateway: { url: server.url }, limits: { loginStartsPerUser: 100, loginStartsPerClient: 100 } });
  });
  after(async () => {
    await h.close();
    await server.close();
  });

  /** A full login whose second factor holds; the browser's answer after the replay. */
  async function login(json: boolean) {
    const tfa = new AnakamScript().passcodeSent('alice', KEY).step(KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED').step(KEY, 'COMPLETE', 'COMPLETE');
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const form = { passcode: '123456', csrf: started.csrf };
    const reply = json ? await browser.postJson('/mfa/passcode', form) : await browser.post('/mfa/passcode', form);
    tfa.done();
    return reply;
  }

  for (const [given, expected] of VARIANTS) {
    it(`a gateway Location of ${JSON.stringify(given)} sends the browser to ${expected}, in the dialog's JSON and on the no-script path`, async () => {
      location = given;
      const replayer = new GatewayReplayer({ gatewayUrl: server.url, loginTarget: '/cgi/login', loginPage: '/vpn/index.html', usernameField: 'login', passwordField: 'passwd', sessionCookie: 'NSC_AAAC', timeoutMs: 2000, sessionCheckPath: '/', logoutPath: '/cgi/logout', ownCookies: [] });
      try {
        expect((await replayer.replay('alice', 'pw', { ip: '127.0.0.1' })).location).to.equal(expected);
      } finally {
        replayer.close();
      }

      const dialog = (await login(true)).json();
      expect(dialog).to.include({ status: 'done', location: expected });
      expectLocal(dialog.location, h.fg.url);

      const page = await login(false);
      expect(page.status).to.equal(303);
      expectLocal(page.headers.get('location'), h.fg.url);
      expect(new URL(page.headers.get('location')!, h.fg.url).pathname).to.equal(new URL(expected, 'http://x').pathname);
    });
  }
});

describe('safeLocation (src/gateway/safe_location.ts)', () => {
  it('keeps a path with exactly one leading slash', () => {
    for (const path of ['/', '/vpn/portal.html', '/a?b=//c', '/%2f/x', '/a/b/'] as const) expect(safeLocation(path)).to.equal(path);
  });

  it('keeps a path of up to 2048 characters, and gives / for a longer one', () => {
    const longest = `/${'a'.repeat(2047)}`;
    expect(safeLocation(longest)).to.equal(longest);
    expect(safeLocation(`${longest}a`)).to.equal('/');
  });

  it('gives / for anything a browser could read as another origin, or that is not a plain path', () => {
    const refused = ['', '//evil', '/\\evil', '\\/evil', '\\\\evil', 'evil', 'https://evil/', 'javascript:alert(1)', '/a\\b', '/\t/evil', '/\n/evil', '/a\u0000', '/a\u007f', '/a\u0085', ` /x`, `/${'a'.repeat(2048)}`];
    for (const value of refused) expect(safeLocation(value), JSON.stringify(value)).to.equal('/');
    for (const value of [undefined, null, 42, ['/x'], { toString: () => '/x' }]) expect(safeLocation(value)).to.equal('/');
  });
});
