import { expect } from 'chai';
import { startStack, type Stack } from '../e2e/stack.js';
import { TestBrowser, type Reply } from '../helpers/browser.js';

// The demo's users (fixtures/demo-users.yaml) against the demo's servers and factorgate as the
// demo configures it (passcodes by e-mail): carol has only a phone number, and signs in by SMS.

describe('the demo\'s carol, who has only a phone number', function () {
  this.timeout(30_000);
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  async function startLogin(s: Stack, user: string, password: string): Promise<{ browser: TestBrowser; reply: Reply }> {
    const browser = new TestBrowser(s.fg.url);
    const page = await browser.get('/vpn/index.html');
    const reply = await browser.postJson('/mfa/login', { login: user, passwd: password, fg_csrf: TestBrowser.formToken(page.body) });
    return { browser, reply };
  }

  it('gets her passcode by SMS and signs in', async () => {
    stack = await startStack();
    const { browser, reply } = await startLogin(stack, 'carol', 'carol-demo-pw');
    const started = reply.json();
    expect(started).to.deep.include({ status: 'challenge' });
    expect(JSON.stringify(started)).to.include('9876'); // the masked phone number, not an e-mail address
    expect(stack.sims.anakam.outbox().carol).to.include({ method: 'SMS' });
    const done = await browser.postJson('/mfa/passcode', { passcode: stack.sims.anakam.lastPasscode('carol')!, csrf: started.csrf });
    expect(done.json()).to.include({ status: 'done' });
    expect(stack.sims.gateway.sessionCount('carol')).to.equal(1);
  });

  it('is refused, with a page that says why, where the other method is turned off', async () => {
    stack = await startStack({}, { FACTORGATE_ANAKAM_OTHER_METHOD: 'false' });
    const { reply } = await startLogin(stack, 'carol', 'carol-demo-pw');
    expect(reply.status).to.equal(403);
    expect(reply.json()).to.include({ code: 'method_unavailable' });
    expect(stack.sims.anakam.outbox().carol).to.equal(undefined);
  });
});
