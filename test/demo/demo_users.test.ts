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

// Which other way to send the passcode each demo user is offered: only one the two-factor server
// reports a destination for (its GET_PARAMS reply), in the dialog's JSON and on the no-script page.
describe('the demo\'s users are offered only the ways they have', function () {
  this.timeout(30_000);
  let stack: Stack;
  before(async () => { stack = await startStack(); });
  after(async () => { await stack.close(); });

  async function startLogin(user: string, password: string): Promise<{ browser: TestBrowser; started: any }> {
    const browser = new TestBrowser(stack.fg.url);
    const page = await browser.get('/vpn/index.html');
    const reply = await browser.postJson('/mfa/login', { login: user, passwd: password, fg_csrf: TestBrowser.formToken(page.body) });
    return { browser, started: reply.json() };
  }

  async function noScriptPage(user: string, password: string): Promise<{ browser: TestBrowser; body: string }> {
    const browser = new TestBrowser(stack.fg.url);
    const page = await browser.get('/vpn/index.html');
    const posted = await browser.post('/mfa/login', { login: user, passwd: password, fg_csrf: TestBrowser.formToken(page.body) });
    expect(posted.headers.get('location')).to.equal('/mfa/passcode');
    return { browser, body: (await browser.get('/mfa/passcode')).body };
  }

  const getParamsFor = (user: string) => stack.sims.anakam.calls().filter((c) => c.user === user && c.call === 'GET_PARAMS').length;

  it('alice (e-mail only) is offered no text message, and a forged one sends nothing and says so', async () => {
    const { browser, started } = await startLogin('alice', 'alice-demo-pw');
    expect(started.challenge).to.deep.include({ method: 'EMAIL', otherMethods: [] });
    expect(started.challenge.words.otherWays).to.equal(undefined);
    const sent = stack.sims.anakam.outbox().alice!;
    const forged = (await browser.postJson('/mfa/resend', { csrf: started.csrf, via: 'SMS' })).json();
    expect(forged).to.deep.include({ status: 'challenge' });
    expect(forged.notice.message).to.include('no phone number on file for you, so no text message was sent');
    expect(stack.sims.anakam.outbox().alice, 'the outbox holds the first passcode still').to.deep.equal(sent);
    expect(getParamsFor('alice')).to.equal(1);
    // The passcode sent first still signs her in.
    const done = await browser.postJson('/mfa/passcode', { passcode: sent.passcode, csrf: started.csrf });
    expect(done.json()).to.include({ status: 'done' });

    const page = await noScriptPage('alice', 'alice-demo-pw');
    expect(page.body).to.include('a***@example.com').and.not.include('instead</button>');
  });

  it('bob (e-mail and phone) is offered the text message, and it goes to his phone', async () => {
    const { browser, started } = await startLogin('bob', 'bob-demo-pw');
    expect(started.challenge).to.deep.include({ method: 'EMAIL', otherMethods: ['SMS'] });
    expect(started.challenge.words.otherWays).to.deep.equal([{ via: 'SMS', label: 'Send it by text message instead' }]);
    const bySms = (await browser.postJson('/mfa/resend', { csrf: started.csrf, via: 'SMS' })).json();
    expect(bySms.challenge).to.deep.include({ method: 'SMS', otherMethods: ['EMAIL'] });
    expect(stack.sims.anakam.outbox().bob).to.include({ method: 'SMS', destination: '***-***-2345' });

    const page = await noScriptPage('bob', 'bob-demo-pw');
    expect(page.body).to.match(/<input type="hidden" name="via" value="SMS">\s*<button type="submit" class="fg-link">Send it by text message instead<\/button>/);
  });

  it('carol (phone only) is offered no e-mail; without the script a forged one sends nothing and the page says so', async () => {
    const { started } = await startLogin('carol', 'carol-demo-pw');
    expect(started.challenge).to.deep.include({ method: 'SMS', otherMethods: [] });

    const { browser, body } = await noScriptPage('carol', 'carol-demo-pw');
    expect(body).to.include('***-***-9876').and.not.include('instead</button>');
    const sent = stack.sims.anakam.outbox().carol!;
    const before = getParamsFor('carol');
    const csrf = /name="csrf" value="([^"]+)"/.exec(body)![1]!;
    const forged = await browser.post('/mfa/resend', { csrf, via: 'EMAIL' });
    expect(forged.status).to.equal(303);
    const page = await browser.get(forged.headers.get('location')!);
    expect(page.body).to.include('There is no e-mail address on file for you, so nothing was sent by e-mail.');
    expect(stack.sims.anakam.outbox().carol).to.deep.equal(sent);
    expect(getParamsFor('carol')).to.equal(before);
  });
});
