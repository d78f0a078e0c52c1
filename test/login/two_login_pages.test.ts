import { expect } from 'chai';
import { startHarness, type Harness } from '../helpers/harness.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { TestBrowser } from '../helpers/browser.js';

const KEY = '99999999-8888-4e22-8018-e4cf70027375';

// Two login pages open in one browser (a second tab, or the page opened again): a post from the
// first one still carries a token the browser's cookie matches, and the protection stays whole.
describe('two login pages in one browser', () => {
  let h: Harness;
  afterEach(async () => { await h.close(); });

  it('a post from the first page succeeds after a second page was loaded; the second page set no new token', async () => {
    h = await startHarness();
    const tfa = new AnakamScript().passcodeSent('alice', KEY);
    const browser = h.browser();
    const first = await browser.get('/vpn/index.html');
    const second = await browser.get('/vpn/index.html');
    expect(TestBrowser.formToken(second.body)).to.equal(TestBrowser.formToken(first.body));
    expect(second.setCookies.filter((c) => c.startsWith('fg_csrf='))).to.deep.equal([]);
    const started = await browser.postJson('/mfa/login', { login: 'alice', passwd: 'alice-pw', fg_csrf: TestBrowser.formToken(first.body) });
    expect(started.status).to.equal(200);
    expect(started.json().state).to.not.equal('failed');
    tfa.done();
  });

  it('the form token cookie kept for the login page never reaches the gateway', async () => {
    h = await startHarness();
    const browser = h.browser();
    await browser.get('/vpn/index.html');
    expect(await browser.cookie('fg_csrf', '/vpn/index.html')).to.be.a('string');
    await browser.get('/vpn/index.html');
    expect(h.gateway.requests.map((r) => String(r.headers.cookie ?? '')).join('\n')).not.to.include('fg_csrf');
  });

  it('another browser\'s page token is still refused, and a browser with a forged cookie gets a new token', async () => {
    h = await startHarness();
    const mine = h.browser();
    const theirs = h.browser();
    await mine.get('/vpn/index.html');
    const theirPage = await theirs.get('/vpn/index.html');
    const refused = await mine.postJson('/mfa/login', { login: 'alice', passwd: 'alice-pw', fg_csrf: TestBrowser.formToken(theirPage.body) });
    expect(refused.status).to.equal(403);
    expect(refused.json().code).to.equal('csrf');

    const planted = h.browser();
    await planted.jar.setCookie('fg_csrf=chosen-by-attacker; Path=/vpn/index.html', new URL('/vpn/index.html', h.url).toString());
    const page = await planted.get('/vpn/index.html');
    expect(TestBrowser.formToken(page.body)).not.to.equal('chosen-by-attacker');
    expect(page.setCookies.filter((c) => c.startsWith('fg_csrf='))).to.have.length(2);
  });
});
