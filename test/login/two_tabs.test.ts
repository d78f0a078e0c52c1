import { expect } from 'chai';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { AnakamScript } from '../helpers/anakam_script.js';

const FIRST = '11f16e1c-ed81-4e22-8018-e4cf70027375';
const SECOND = '22f16e1c-ed81-4e22-8018-e4cf70027375';
const OTHER_TAB = 'This sign-in continued in another tab or window. Go on there, or start again from the login page.';

// One browser, two tabs: they share the handle cookie, so a sign-in begun in the second tab ends
// the first tab's (a new handle on every login). The first tab is told where its sign-in went.
describe('two tabs and a reload during the sign-in', () => {
  let h: Harness;
  beforeEach(async () => { h = await startHarness(); });
  afterEach(async () => { await h.close(); });

  it('the first tab, after a sign-in began in the second, is told it continued there; the second goes on', async () => {
    const tfa = new AnakamScript().passcodeSent('alice', FIRST).passcodeSent('alice', SECOND)
      .step(SECOND, 'VERIFY_PASSCODE', 'AUTHENTICATED').step(SECOND, 'COMPLETE', 'COMPLETE');
    const browser = h.browser();
    const first = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const second = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const stale = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: first.csrf });
    expect(stale.status).to.equal(409);
    expect(stale.json()).to.deep.include({ status: 'failed', code: 'other_tab', message: OTHER_TAB });
    // Without the script the same, as a page.
    const page = await browser.post('/mfa/passcode', { passcode: '123456', csrf: first.csrf });
    expect(page.status).to.equal(409);
    expect(page.body).to.include(OTHER_TAB);
    // A token of no login of this browser is still a forgery, and says so.
    expect((await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: 'x'.repeat(24) })).json().code).to.equal('csrf');
    expect(h.logs.lines.filter((l) => l.event === 'request_refused').map((l) => l.code)).to.deep.equal(['other_tab', 'other_tab', 'csrf']);
    expect((await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: second.csrf })).json().status).to.equal('done');
    tfa.done();
  });

  it('a reload asks for the open step again: the same login, the same token, and nothing sent again', async () => {
    // One auth key and one GET_PARAMS scripted: a second passcode sent would fail the test.
    const tfa = new AnakamScript().passcodeSent('alice', FIRST).step(FIRST, 'VERIFY_PASSCODE', 'AUTHENTICATED').step(FIRST, 'COMPLETE', 'COMPLETE');
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const resumed = await browser.request('GET', '/mfa/passcode', undefined, { Accept: 'application/json' });
    expect(resumed.status).to.equal(200);
    expect(resumed.json()).to.deep.include({ status: 'challenge', csrf: started.csrf });
    expect(resumed.json().challenge).to.deep.equal(started.challenge);
    // Another browser (another User-Agent) with the copied handle gets nothing.
    const handle = (await browser.cookie('authkey'))!;
    const other = await h.browser().request('GET', '/mfa/passcode', undefined, { Accept: 'application/json', Cookie: `authkey=${handle}`, 'User-Agent': 'another browser' });
    expect(other.json()).to.include({ status: 'failed', code: 'no_login' });
    expect((await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: resumed.json().csrf })).json().status).to.equal('done');
    tfa.done();
  });
});
