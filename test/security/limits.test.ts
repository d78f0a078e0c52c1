import { expect } from 'chai';
import nock from 'nock';
import { MemoryStore } from '../../src/state/memory_store.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { TestBrowser } from '../helpers/browser.js';
import { ANAKAM_URL } from '../helpers/config.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { commandOf } from '../helpers/anakam_replies.js';

// Limits that bound what they say (src/security/limits.ts). Every browser of a test connects from
// 127.0.0.1, so these harnesses trust it as a proxy and name each client in X-Forwarded-For.

const key = (i: number) => `${String(i).padStart(8, '0')}-5555-4e22-8018-e4cf70027375`;
const AS_PROXY = { trustProxy: ['127.0.0.1'] };

/** A browser at `clientIp` with the login page's form token; posts the first factor as the dialog does. */
async function clientAt(h: Harness, clientIp: string) {
  const browser = h.browser();
  const headers = { 'X-Forwarded-For': clientIp };
  const token = TestBrowser.formToken((await browser.get('/vpn/index.html', headers)).body);
  return {
    browser,
    login: (login: string, passwd = 'pw') => browser.post('/mfa/login', { login, passwd, fg_csrf: token }, { Accept: 'application/json', ...headers }),
    passcode: (passcode: string, csrf: string) => browser.post('/mfa/passcode', { passcode, csrf }, { Accept: 'application/json', ...headers }),
  };
}

describe('security: limits that bound what they say', () => {
  let h: Harness;
  afterEach(async () => { await h.close(); });

  it('one throttled address cannot lock out the users it names: past its own limit it counts against nobody', async () => {
    h = await startHarness({ ...AS_PROXY, limits: { loginStartsPerClient: 2, loginStartsPerUser: 3 } });
    new AnakamScript().passcodeSent('bob', key(1)).passcodeSent('carol', key(2));
    const attacker = await clientAt(h, '203.0.113.9');
    expect((await attacker.login('bob')).status).to.equal(200);
    expect((await attacker.login('carol')).status).to.equal(200);
    for (let i = 0; i < 10; i++) {
      const refused = await attacker.login('alice');
      expect(refused.status).to.equal(429);
      expect(refused.json().code).to.equal('rate_limited');
    }
    expect(h.logs.lines.filter((l) => l.limit === 'starts-client')).to.have.length(10);
    // alice was never counted by those refused posts: her three starts are all still hers.
    const tfa = new AnakamScript();
    for (let i = 0; i < 3; i++) tfa.passcodeSent('alice', key(10 + i));
    for (let i = 0; i < 3; i++) expect((await (await clientAt(h, `198.51.100.${i + 1}`)).login('alice', 'alice-pw')).status, `start ${i + 1}`).to.equal(200);
    tfa.done();
  });

  it('thousands of refused posts with new user names leave nothing lasting per name in the store', async function () {
    this.timeout(60_000);
    const store = new MemoryStore();
    h = await startHarness({ ...AS_PROXY, limits: { loginStartsPerClient: 1 } }, { store });
    new AnakamScript().passcodeSent('bob', key(1));
    const attacker = await clientAt(h, '203.0.113.9');
    expect((await attacker.login('bob')).status).to.equal(200);
    const held = store.size;
    for (let i = 0; i < 2000; i++) expect((await attacker.login(`user${i}`)).status).to.equal(429);
    // (At most: the first refused post also ends the browser's earlier login, as every new post does.)
    expect(store.size).to.be.at.most(held);
    expect(await store.get('limit:starts-user:user0')).to.equal(undefined);
  });

  it('logins opened in parallel cannot check more passcodes than wrongAnswersPerUser between them', async () => {
    h = await startHarness({ limits: { wrongAnswersPerUser: 4, loginStartsPerUser: 20 }, login: { maxPasscodeAttempts: 5 } });
    const tfa = new AnakamScript();
    for (let i = 0; i < 10; i++) tfa.passcodeSent('alice', key(i));
    // Every VERIFY_PASSCODE that reaches the server is answered "wrong"; counted here.
    let checked = 0;
    nock(ANAKAM_URL).persist().put(/\/challenge\//, (body) => commandOf(String(body)) === 'VERIFY_PASSCODE')
      .reply(200, (_uri, _body) => { checked += 1; return '<challengeResponse><status>PASSCODE_INVALID</status><attemptsRemaining>9</attemptsRemaining></challengeResponse>'; }, { 'Content-Type': 'application/xml' });
    const logins = [];
    for (let i = 0; i < 10; i++) {
      const browser = h.browser();
      const token = TestBrowser.formToken((await browser.get('/vpn/index.html')).body);
      const started = (await browser.post('/mfa/login', { login: 'alice', passwd: 'alice-pw', fg_csrf: token }, { Accept: 'application/json' })).json();
      logins.push({ browser, csrf: started.csrf as string });
    }
    const answers = await Promise.all(logins.map(({ browser, csrf }) => browser.postJson('/mfa/passcode', { passcode: '000000', csrf })));
    expect(checked).to.equal(4);
    // Six are refused unchecked; of the four checked, each one answered after the last wrong answer
    // was spent (at least the one that spent it, more as the posts interleave) is told the user is locked.
    expect(answers.filter((a) => a.status === 429).length).to.be.within(7, 10);
    expect(answers.every((a) => a.status === 429 || a.json().status === 'challenge')).to.equal(true);
    nock.cleanAll();
  });

  it('an IPv6 client cannot walk its own /64 to get past the per-client limit', async () => {
    h = await startHarness({ ...AS_PROXY, limits: { loginStartsPerClient: 3 } });
    const tfa = new AnakamScript();
    const users = ['alice', 'bob', 'carol'];
    users.forEach((u, i) => tfa.passcodeSent(u, key(i)));
    for (const [i, user] of users.entries()) expect((await (await clientAt(h, `2001:db8:7:1::${i + 1}`)).login(user)).status).to.equal(200);
    const next = await (await clientAt(h, '2001:db8:7:1:ffff:ffff:ffff:fffe')).login('dave');
    expect(next.status).to.equal(429);
    expect(h.logs.lines.some((l) => l.limit === 'starts-client')).to.equal(true);
    // Another /64 is another client.
    new AnakamScript().passcodeSent('dave', key(9));
    expect((await (await clientAt(h, '2001:db8:7:2::1')).login('dave')).status).to.equal(200);
    tfa.done();
  });
});
