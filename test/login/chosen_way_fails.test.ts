import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { systemClock } from '../../src/clock.js';
import { Totp } from '../../src/otp/totp.js';
import { E2E_SECRET, startStack, type Stack } from '../e2e/stack.js';
import { demoSignIn } from '../helpers/demo_login.js';
import { registeredDevice } from '../helpers/otp_device.js';

// A way chosen under "Other options" that cannot start (src/login/chosen_way.ts), against the
// demo's servers and users (fixtures/demo-users.yaml): erin has no e-mail, no phone and no push
// token, so a passcode and a push are both offered to her and both fail only once sent for; dave
// has a push and an e-mail address, and the two-factor server is made to answer 503. The login
// goes back to the step the user was on, with a notice, starts no later policy, and no longer
// offers the way that failed.

const PASSCODE = 'Get a passcode by e-mail or text message';
const PUSH = 'Approve a notification on your device';
const NOTICE = 'That way to sign in is not available right now, so nothing else was started, and this step still stands. Go on with it, try another way if one is offered, or contact your help desk.';

/** erin's app's code first, then a passcode, then a push: both later ways offered to all. */
const ERIN_FLOWS = {
  entry: 'password',
  factors: {
    password: { policies: [{ rule: 'true', action: 'GATEWAY_PASSWORD', next: 'second' }] },
    second: {
      policies: [
        { rule: 'user.name matches [\'erin\']', action: 'OTP_CODE' },
        { rule: 'true', action: 'ANAKAM_PASSCODE' },
        { rule: 'true', action: 'PUSH' },
      ],
    },
  },
};

/** dave's push first, then a passcode (test/login/other_options.test.ts has the app's code between). */
const DAVE_FLOWS = {
  entry: 'password',
  factors: {
    password: { policies: [{ rule: 'true', action: 'GATEWAY_PASSWORD', next: 'second' }] },
    second: {
      policies: [
        { rule: 'user.name matches [\'dave\']', action: 'PUSH', allowCode: true },
        { rule: 'true', action: 'ANAKAM_PASSCODE' },
      ],
    },
  },
};

/**
 * bob's passcode first; a push, and a push in a factor of its own, while the request says
 * X-Way: on; then that factor's push for everyone. A rule tests the request being handled, so a
 * way offered with the challenge may no longer hold when it is chosen.
 */
const HEADER_FLOWS = {
  entry: 'password',
  factors: {
    password: { policies: [{ rule: 'true', action: 'GATEWAY_PASSWORD', next: 'second' }] },
    second: {
      policies: [
        { rule: 'true', action: 'ANAKAM_PASSCODE' },
        { rule: 'header(\'X-Way\') == \'on\'', action: 'PUSH' },
        { rule: 'header(\'X-Way\') == \'on\'', action: 'NO_AUTHN', next: 'phone' },
        { rule: 'true', action: 'NO_AUTHN', next: 'phone' },
      ],
    },
    phone: { policies: [{ rule: 'true', action: 'PUSH' }] },
  },
};

/** A six-digit code that is not the one the app shows now. */
const wrongCode = (right: string): string => (right === '000000' ? '111111' : '000000');

describe('login: a way chosen under "Other options" that cannot start goes back to the open step', function () {
  this.timeout(30_000);
  let stack: Stack;
  let dir: string | undefined;
  afterEach(async () => {
    await stack.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('erin: the passcode she chose has nowhere to go, so her app\'s step stands and the push after it is not started; then the push fails too, and her app\'s code, still counted, lets her in', async () => {
    const device = await registeredDevice(systemClock, 'erin', E2E_SECRET);
    dir = device.dir;
    stack = await startStack({}, { FACTORGATE_OTP_SQLITE_PATH: device.path }, { overrides: { flows: ERIN_FLOWS } });
    const erin = await demoSignIn(stack, 'erin');
    expect(erin.json.challenge).to.include({ kind: 'passcode', fromApp: true });
    expect(erin.json.ways).to.deep.equal([{ policy: 1, label: PASSCODE }, { policy: 2, label: PUSH }]);
    const csrf = String(erin.json.csrf);
    const code = () => new Totp().codeAt(device.secret, Date.now());

    // A typo first: the attempts it costs stay counted through everything below.
    const typo = (await erin.browser.postJson('/mfa/passcode', { passcode: wrongCode(code()), csrf })).json();
    expect(typo.notice.code).to.equal('code_invalid');
    const leftAfterTypo = Number(typo.notice.attemptsRemaining);

    const passcode = (await erin.browser.postJson('/mfa/another', { csrf, way: '1' })).json();
    expect(passcode.status).to.equal('challenge');
    expect(passcode.challenge).to.include({ kind: 'passcode', fromApp: true });
    expect(passcode.notice).to.deep.include({ code: 'way_unavailable', message: NOTICE });
    expect(passcode.ways, 'the passcode is no longer offered').to.deep.equal([{ policy: 2, label: PUSH }]);
    // The push after it was not started behind her back: the push server was not asked.
    expect(stack.logs.lines.some((l) => l.event === 'push_no_device')).to.equal(false);
    expect(stack.logs.lines.filter((l) => l.event === 'way_unavailable')).to.have.length(1);
    expect(stack.logs.lines.find((l) => l.event === 'way_unavailable')).to.include({ user: 'erin', policy: 1, action: 'ANAKAM_PASSCODE', reason: 'method_unavailable' });
    expect(stack.logs.lines.some((l) => l.event === 'login_failed' || l.event === 'login_finished')).to.equal(false);

    // Asked for again (a stale page, a forged post), the passcode is a way not offered: nothing is sent for it.
    const calls = stack.sims.anakam.calls().length;
    const again = (await erin.browser.postJson('/mfa/another', { csrf, way: '1' })).json();
    expect(again.notice.code).to.equal('way_not_offered');
    expect(again.ways).to.deep.equal([{ policy: 2, label: PUSH }]);
    expect(stack.sims.anakam.calls()).to.have.length(calls);
    // The page without the script names the push and not the passcode.
    const page = (await erin.browser.get('/mfa/passcode')).body;
    expect(page).to.include(PUSH).and.not.include(PASSCODE);

    // The push: no token for her, so that way fails too; nothing of the flow is left to offer.
    const push = (await erin.browser.postJson('/mfa/another', { csrf, way: '2' })).json();
    expect(push.challenge).to.include({ kind: 'passcode', fromApp: true });
    expect(push.notice.code).to.equal('way_unavailable');
    expect(push).not.to.have.property('ways');
    expect(stack.logs.lines.filter((l) => l.event === 'way_unavailable').map((l) => l.reason)).to.deep.equal(['method_unavailable', 'push_refused']);
    const bare = (await erin.browser.get('/mfa/passcode')).body;
    expect(bare).not.to.include('/mfa/another');
    expect(bare).to.include('Use a recovery code from your help desk');

    // Nothing was reset: the next typo leaves fewer attempts than the first one did.
    const second = (await erin.browser.postJson('/mfa/passcode', { passcode: wrongCode(code()), csrf })).json();
    expect(second.notice.code).to.equal('code_invalid');
    expect(Number(second.notice.attemptsRemaining)).to.be.lessThan(leftAfterTypo);

    const done = (await erin.browser.postJson('/mfa/passcode', { passcode: code(), csrf })).json();
    expect(done).to.include({ status: 'done' });
    expect(stack.logs.lines.find((l) => l.event === 'login_finished')).to.include({ user: 'erin', outcome: 'success' });
  });

  it('dave: the two-factor server is down when he chooses a passcode, so his push stands (not withdrawn), the page says so without the script, and approving the push lets him in', async () => {
    stack = await startStack({}, {}, { overrides: { flows: DAVE_FLOWS } });
    const dave = await demoSignIn(stack, 'dave');
    expect(dave.json.challenge.kind).to.equal('push');
    expect(dave.json.ways).to.deep.equal([{ policy: 1, label: PASSCODE }]);
    const csrf = String(dave.json.csrf);
    stack.sims.anakam.setFault({ status: 503 });

    const plain = await dave.browser.post('/mfa/another', { csrf, way: '1' });
    expect(plain.status).to.equal(303);
    expect(plain.headers.get('location')).to.equal('/mfa/passcode?notice=way_unavailable');
    const page = (await dave.browser.get(plain.headers.get('location')!)).body;
    expect(page).to.include(NOTICE).and.include('Approve the sign-in on your device').and.not.include('/mfa/another');
    expect(stack.logs.lines.find((l) => l.event === 'way_unavailable')).to.include({ user: 'dave', policy: 1, action: 'ANAKAM_PASSCODE', reason: 'tfa_unavailable' });
    expect(stack.logs.lines.some((l) => l.event === 'login_failed' || l.event === 'push_withdrawn')).to.equal(false);

    const [pending] = stack.sims.linotp.pending('dave');
    expect(pending, 'the push is still open on his phone').to.not.equal(undefined);
    expect(stack.sims.linotp.approve(pending!.transactionid, Number(dave.json.challenge.number))).to.equal('accepted');
    expect((await dave.browser.postJson('/mfa/push/confirm', { csrf })).json()).to.include({ status: 'done' });
  });

  it('a chosen way whose server answers what cannot be trusted still ends the sign-in, as before, and withdraws the push the login waited on', async () => {
    stack = await startStack({}, {}, { overrides: { flows: DAVE_FLOWS } });
    const dave = await demoSignIn(stack, 'dave');
    expect(dave.json.challenge.kind).to.equal('push');
    stack.sims.anakam.setFault({ garbageXml: true });
    const refused = (await dave.browser.postJson('/mfa/another', { csrf: String(dave.json.csrf), way: '1' })).json();
    expect(refused).to.include({ status: 'failed', code: 'tfa_protocol' });
    expect(stack.sims.linotp.pending('dave')).to.deep.equal([]);
    expect(stack.logs.lines.some((l) => l.event === 'way_unavailable')).to.equal(false);
    expect(stack.logs.lines.find((l) => l.event === 'login_failed')).to.include({ user: 'dave', code: 'tfa_protocol' });
  });

  it('bob: a way whose rule no longer holds when chosen starts nothing, not even the later way the engine would pass on to; the way still open to him then starts', async () => {
    stack = await startStack({}, {}, { overrides: { flows: HEADER_FLOWS } });
    const bob = await demoSignIn(stack, 'bob', { 'X-Way': 'on' });
    expect(bob.json.challenge.kind).to.equal('passcode');
    expect(bob.json.ways.map((way: { policy: number }) => way.policy)).to.deep.equal([1, 2, 3]);
    const csrf = String(bob.json.csrf);

    // Chosen without the header: neither the push nor the factor after it starts, and policy 3
    // (a push in that same factor, its rule true) is not run in their place.
    for (const [way, left] of [['2', [1, 3]], ['1', [3]]] as const) {
      const chosen = (await bob.browser.postJson('/mfa/another', { csrf, way })).json();
      expect(chosen.challenge.kind, way).to.equal('passcode');
      expect(chosen.notice.code, way).to.equal('way_unavailable');
      expect(chosen.ways.map((w: { policy: number }) => w.policy), way).to.deep.equal(left);
      expect(stack.sims.linotp.pending('bob'), way).to.deep.equal([]);
    }
    expect(stack.logs.lines.filter((l) => l.event === 'way_unavailable').map((l) => [l.policy, l.reason])).to.deep.equal([[2, 'rule_false'], [1, 'rule_false']]);

    const push = (await bob.browser.postJson('/mfa/another', { csrf, way: '3' })).json();
    expect(push.challenge.kind).to.equal('push');
    expect(stack.sims.linotp.pending('bob')).to.have.length(1);
  });
});
