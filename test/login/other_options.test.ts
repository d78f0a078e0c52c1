import { expect } from 'chai';
import { startStack, type Stack } from '../e2e/stack.js';
import { TestBrowser, type Reply } from '../helpers/browser.js';

// "Other options" on a second-factor step, against the demo's servers and its users
// (fixtures/demo-users.yaml): which ways each user is offered, and that choosing one sends only
// that one. The flow offers dave the app's code and a passcode after his push; alice, bob and
// carol get a passcode by e-mail or SMS, the other method offered. erin (the app's code) has no
// device in this stack: test/e2e/webauthn.e2e.test.ts walks her passkey's other ways.

/** The demo's second factor with ways to choose: dave's push first, then an app's code, then a passcode. */
const FLOWS = {
  entry: 'password',
  factors: {
    password: { policies: [{ rule: 'true', action: 'GATEWAY_PASSWORD', next: 'second' }] },
    second: {
      policies: [
        { rule: 'user.name matches [\'dave\']', action: 'PUSH', allowCode: true },
        { rule: 'user.name matches [\'dave\', \'erin\']', action: 'OTP_CODE' },
        { rule: 'true', action: 'ANAKAM_PASSCODE' },
      ],
    },
  },
};

type Started = { browser: TestBrowser; reply: Reply; json: Record<string, any> };

async function signIn(stack: Stack, user: string): Promise<Started> {
  const browser = new TestBrowser(stack.fg.url);
  const page = await browser.get('/vpn/index.html');
  const reply = await browser.postJson('/mfa/login', { login: user, passwd: `${user}-demo-pw`, fg_csrf: TestBrowser.formToken(page.body) });
  return { browser, reply, json: reply.json() };
}

/** Every other way the dialog is told of, in the words it shows them. */
function otherOptions(json: Record<string, any>): string[] {
  return [
    ...(json.challenge?.words?.otherWays ?? []).map((way: { label: string }) => way.label),
    ...(json.challenge?.canEnterCode ? ['Or enter the code from your device'] : []),
    ...(json.ways ?? []).map((way: { label: string }) => way.label),
  ];
}

describe('"Other options": every way the user has, each sent only once chosen', function () {
  this.timeout(30_000);
  let stack: Stack;
  afterEach(async () => { await stack.close(); });

  it('with the flow\'s later ways: dave\'s push lists the app\'s code and a passcode, and sends neither until one is chosen', async () => {
    stack = await startStack({}, {}, { overrides: { flows: FLOWS } });
    const dave = await signIn(stack, 'dave');
    expect(dave.json.challenge.kind).to.equal('push');
    expect(dave.json.ways).to.deep.equal([{ policy: 1, label: 'Enter a code from your authenticator app' }, { policy: 2, label: 'Get a passcode by e-mail or text message' }]);
    expect(otherOptions(dave.json)).to.deep.equal(['Or enter the code from your device', 'Enter a code from your authenticator app', 'Get a passcode by e-mail or text message']);
    expect(stack.sims.anakam.outbox().dave).to.equal(undefined);
    expect(stack.sims.linotp.pending('dave')).to.have.length(1);

    // The passcode, chosen over the app's code that comes before it: only the passcode is sent, and the push is withdrawn.
    const chosen = (await dave.browser.postJson('/mfa/another', { csrf: dave.json.csrf, way: '2' })).json();
    expect(chosen.status).to.equal('challenge');
    expect(chosen.challenge).to.include({ kind: 'passcode', method: 'EMAIL' });
    expect(stack.sims.anakam.outbox().dave).to.include({ method: 'EMAIL' });
    expect(stack.sims.linotp.pending('dave')).to.deep.equal([]);
    expect(stack.logs.lines.some((l) => l.event === 'another_way' && l.user === 'dave' && l.policy === 2)).to.equal(true);
    const done = await dave.browser.postJson('/mfa/passcode', { passcode: stack.sims.anakam.lastPasscode('dave')!, csrf: chosen.csrf });
    expect(done.json()).to.include({ status: 'done' });
  });

  it('alice, bob and carol under that flow get their passcode, the other method offered only to bob (who has both), nothing later to list; a way not offered ends the sign-in, nothing sent', async () => {
    stack = await startStack({}, {}, { overrides: { flows: FLOWS } });
    for (const user of ['alice', 'bob', 'carol']) {
      const started = await signIn(stack, user);
      expect(started.json.challenge.kind, user).to.equal('passcode');
      expect(started.json.ways, user).to.equal(undefined);
      expect(otherOptions(started.json), user).to.deep.equal(user === 'bob' ? ['Send it by text message instead'] : []);
    }
    // Failing closed, as any post that does not fit the open step: the sign-in ends, nothing is sent.
    for (const way of [0, 3, '1; drop', '2.0']) {
      const dave = await signIn(stack, 'dave');
      const refused = await dave.browser.postJson('/mfa/another', { csrf: dave.json.csrf, way: String(way) });
      expect(refused.json().code, `${String(way)}: ${refused.body}`).to.be.oneOf(['bad_request', 'wrong_state']);
    }
    expect(stack.sims.anakam.outbox().dave).to.equal(undefined);
  });
});
