import { expect } from 'chai';
import { readFileSync, rmSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { systemClock } from '../../src/clock.js';
import { Totp } from '../../src/otp/totp.js';
import { E2E_SECRET, startStack, type Stack } from '../e2e/stack.js';
import { demoSignIn } from '../helpers/demo_login.js';
import { registeredDevice } from '../helpers/otp_device.js';

// "Other options" on a second-factor step, against the demo's servers and its users
// (fixtures/demo-users.yaml): which ways each user is offered, and that choosing one sends only
// that one. The flow offers dave the app's code and a passcode after his push, the app's code
// only once he has an app (the demo's users have none until a test registers one); alice, bob
// and carol get a passcode by e-mail or SMS, the other method offered. erin (the app's code) has
// no device in this stack: test/e2e/webauthn.e2e.test.ts walks her passkey's other ways.

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

const APP_CODE = 'Enter a code from your authenticator app';
const PASSCODE = 'Get a passcode by e-mail or text message';

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

  it('dave, who has no app: his push lists a passcode and not the app\'s code; a forged post for the code starts nothing, says why, and the push stands', async () => {
    stack = await startStack({}, {}, { overrides: { flows: FLOWS } });
    const dave = await demoSignIn(stack, 'dave');
    expect(dave.json.challenge.kind).to.equal('push');
    expect(dave.json.ways).to.deep.equal([{ policy: 2, label: PASSCODE }]);
    expect(otherOptions(dave.json)).to.deep.equal(['Or enter the code from your device', PASSCODE]);
    // The page without the script offers the same, and only that.
    const page = (await dave.browser.get('/mfa/passcode')).body;
    expect(page).to.include(PASSCODE).and.not.include(APP_CODE);

    const forged = await dave.browser.postJson('/mfa/another', { csrf: dave.json.csrf, way: '1' });
    expect(forged.json()).to.deep.include({ status: 'challenge' });
    expect(forged.json().challenge.kind).to.equal('push');
    expect(forged.json().notice).to.deep.include({ code: 'way_not_offered', message: 'That way to sign in is not set up for you, so nothing was started, and this step still stands.' });
    expect(forged.json().ways).to.deep.equal([{ policy: 2, label: PASSCODE }]);
    expect(stack.logs.lines.filter((l) => l.event === 'way_not_offered')).to.have.length(1);
    expect(stack.logs.lines.find((l) => l.event === 'way_not_offered')).to.include({ user: 'dave', policy: 1, action: 'OTP_CODE' });
    expect(stack.logs.lines.some((l) => l.event === 'another_way' || l.event === 'otp_no_device')).to.equal(false);
    expect(stack.sims.anakam.outbox().dave).to.equal(undefined);
    expect(stack.sims.linotp.pending('dave')).to.have.length(1);

    // The passcode, the way he was offered: only the passcode is sent, and the push is withdrawn.
    const chosen = (await dave.browser.postJson('/mfa/another', { csrf: dave.json.csrf, way: '2' })).json();
    expect(chosen.status).to.equal('challenge');
    expect(chosen.challenge).to.include({ kind: 'passcode', method: 'EMAIL' });
    expect(stack.sims.anakam.outbox().dave).to.include({ method: 'EMAIL' });
    expect(stack.sims.linotp.pending('dave')).to.deep.equal([]);
    expect(stack.logs.lines.some((l) => l.event === 'another_way' && l.user === 'dave' && l.policy === 2)).to.equal(true);
    const done = await dave.browser.postJson('/mfa/passcode', { passcode: stack.sims.anakam.lastPasscode('dave')!, csrf: chosen.csrf });
    expect(done.json()).to.include({ status: 'done' });
  });

  it('dave with an app: the app\'s code is offered beside the passcode, and choosing it sends nothing and lets him in with the app\'s code', async () => {
    const device = await registeredDevice(systemClock, 'dave', E2E_SECRET);
    try {
      stack = await startStack({}, { FACTORGATE_OTP_SQLITE_PATH: device.path }, { overrides: { flows: FLOWS } });
      const dave = await demoSignIn(stack, 'dave');
      expect(dave.json.ways).to.deep.equal([{ policy: 1, label: APP_CODE }, { policy: 2, label: PASSCODE }]);
      const chosen = (await dave.browser.postJson('/mfa/another', { csrf: dave.json.csrf, way: '1' })).json();
      expect(chosen.challenge).to.include({ kind: 'passcode', fromApp: true });
      // The passcode is still offered from the app's step; nothing was sent and the push is withdrawn.
      expect(chosen.ways).to.deep.equal([{ policy: 2, label: PASSCODE }]);
      expect(stack.sims.anakam.outbox().dave).to.equal(undefined);
      expect(stack.sims.linotp.pending('dave')).to.deep.equal([]);
      const done = await dave.browser.postJson('/mfa/passcode', { passcode: new Totp().codeAt(device.secret, Date.now()), csrf: chosen.csrf });
      expect(done.json()).to.include({ status: 'done' });
    } finally {
      rmSync(device.dir, { recursive: true, force: true });
    }
  });

  it('push-otp-fallback: dave, with no app and nothing else, is shown no other way of the flow, in the dialog or on the page; a forged one is refused and the push stands', async () => {
    const flows = (parseYaml(readFileSync(new URL('../../fixtures/flows/push-otp-fallback.yaml', import.meta.url), 'utf8')) as { flows: unknown }).flows;
    stack = await startStack({}, {}, { overrides: { flows } });
    const dave = await demoSignIn(stack, 'dave');
    expect(dave.json.challenge.kind).to.equal('push');
    expect(dave.json).not.to.have.property('another');
    expect(dave.json).not.to.have.property('ways');
    const page = (await dave.browser.get('/mfa/passcode')).body;
    expect(page).not.to.include('/mfa/another').and.not.include(APP_CODE);
    const forged = (await dave.browser.postJson('/mfa/another', { csrf: dave.json.csrf, way: '1' })).json();
    expect(forged).to.deep.include({ status: 'challenge' });
    expect(forged.notice.code).to.equal('way_not_offered');
    expect(forged).not.to.have.property('ways');
    expect(stack.logs.lines.find((l) => l.event === 'way_not_offered')).to.include({ user: 'dave', policy: 1, action: 'NO_AUTHN' });
    expect(stack.sims.linotp.pending('dave')).to.have.length(1);
    // Without the script the refusal is a notice on the same page, after the redirect.
    const plain = await dave.browser.post('/mfa/another', { csrf: dave.json.csrf, way: '1' });
    expect(plain.headers.get('location')).to.equal('/mfa/passcode?notice=way_not_offered');
    expect((await dave.browser.get(plain.headers.get('location')!)).body).to.include('That way to sign in is not set up for you');
  });

  it('alice, bob and carol under that flow get their passcode, the other method offered only to bob (who has both), nothing later to list; a way that names no later policy ends the sign-in, nothing sent', async () => {
    stack = await startStack({}, {}, { overrides: { flows: FLOWS } });
    for (const user of ['alice', 'bob', 'carol']) {
      const started = await demoSignIn(stack, user);
      expect(started.json.challenge.kind, user).to.equal('passcode');
      expect(started.json.ways, user).to.equal(undefined);
      expect(otherOptions(started.json), user).to.deep.equal(user === 'bob' ? ['Send it by text message instead'] : []);
    }
    // Failing closed, as any post that does not fit the open step: the sign-in ends, nothing is sent.
    for (const way of [0, 3, '1; drop', '2.0']) {
      const dave = await demoSignIn(stack, 'dave');
      const refused = await dave.browser.postJson('/mfa/another', { csrf: dave.json.csrf, way: String(way) });
      expect(refused.json().code, `${String(way)}: ${refused.body}`).to.be.oneOf(['bad_request', 'wrong_state']);
    }
    expect(stack.sims.anakam.outbox().dave).to.equal(undefined);
  });
});
