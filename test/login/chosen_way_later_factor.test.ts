import { expect } from 'chai';
import { startStack, type Stack } from '../e2e/stack.js';
import { demoSignIn, PUSHES_PAUSED } from '../helpers/demo_login.js';

// A way chosen under "Other options" that is a NO_AUTHN into a factor of its own runs that factor
// as part of the way chosen: when its push cannot start (the user's pushes for the window spent),
// the step the user was on stands with the pushes-paused notice, as when the push is a policy of
// the open factor itself; the login does not end. Against the demo's servers and users: dave has
// an e-mail address and a push device.

/** dave's passcode, and under "Other options" a NO_AUTHN into a factor whose one policy is a push. */
const FLOWS = {
  entry: 'password',
  factors: {
    password: { policies: [{ rule: 'true', action: 'GATEWAY_PASSWORD', next: 'second' }] },
    second: { policies: [{ rule: 'true', action: 'ANAKAM_PASSCODE' }, { rule: 'true', action: 'NO_AUTHN', next: 'phone' }] },
    phone: { policies: [{ rule: 'true', action: 'PUSH' }] },
  },
};

describe('login: a way into a factor of its own whose push cannot start', function () {
  this.timeout(30_000);
  let stack: Stack;
  afterEach(async () => { await stack.close(); });

  it('dave: his one push of the window went to an earlier login, so the way into the push factor sends nothing; his passcode step stands with the pushes-paused notice, and his passcode lets him in', async () => {
    stack = await startStack({}, {}, { overrides: { flows: FLOWS, limits: { pushesPerUser: 1 } } });
    const earlier = await demoSignIn(stack, 'dave');
    expect(earlier.json.challenge.kind).to.equal('passcode');
    expect(earlier.json.ways.map((way: { policy: number }) => way.policy)).to.deep.equal([1]);
    const pushed = (await earlier.browser.postJson('/mfa/another', { csrf: String(earlier.json.csrf), way: '1' })).json();
    expect(pushed.challenge.kind).to.equal('push');
    expect((await earlier.browser.postJson('/mfa/cancel', { csrf: String(earlier.json.csrf) })).json().status).to.equal('cancelled');

    const dave = await demoSignIn(stack, 'dave');
    const csrf = String(dave.json.csrf);
    const chosen = (await dave.browser.postJson('/mfa/another', { csrf, way: '1' })).json();
    expect(chosen.status).to.equal('challenge');
    expect(chosen.challenge.kind).to.equal('passcode');
    expect(chosen.notice).to.deep.include({ code: 'pushes_paused', message: PUSHES_PAUSED });
    expect(chosen.ways, 'the way into the push is no longer offered').to.equal(undefined);
    expect(stack.sims.linotp.transactions('dave'), 'no second push was sent').to.have.length(1);
    expect(stack.logs.lines.find((l) => l.event === 'way_unavailable')).to.include({ user: 'dave', policy: 1, action: 'NO_AUTHN', reason: 'rate_limited', limit: 'pushes-user' });
    expect(stack.logs.lines.some((l) => l.event === 'login_failed')).to.equal(false);

    const passcode = stack.sims.anakam.lastPasscode('dave')!;
    expect((await dave.browser.postJson('/mfa/passcode', { passcode, csrf })).json()).to.include({ status: 'done' });
  });
});
