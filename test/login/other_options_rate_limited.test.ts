import { expect } from 'chai';
import { Limits } from '../../src/security/limits.js';
import { MemoryStore } from '../../src/state/memory_store.js';
import { startStack, type Stack } from '../e2e/stack.js';
import { demoSignIn, PUSHES_PAUSED } from '../helpers/demo_login.js';

// A push chosen under "Other options" when the user's pushes for the window are spent
// (limits.pushesPerUser) cannot start, like a way with nothing on file for it: the step the user
// was on stands, with its own notice, and the push is no longer offered with it. Nothing counted
// is given back. A lock on wrong answers met by that same push start still ends the login. Against
// the demo's servers and users (fixtures/demo-users.yaml): dave has an e-mail address and a push.

const PUSH = 'Approve a notification on your device';

/** A passcode first, then a push under "Other options". */
const FLOWS = {
  entry: 'password',
  factors: {
    password: { policies: [{ rule: 'true', action: 'GATEWAY_PASSWORD', next: 'second' }] },
    second: { policies: [{ rule: 'true', action: 'ANAKAM_PASSCODE' }, { rule: 'true', action: 'PUSH' }] },
  },
};

describe('login: a push chosen under "Other options" once the user\'s pushes are spent', function () {
  this.timeout(30_000);
  let stack: Stack;
  let store: MemoryStore;
  beforeEach(() => { store = new MemoryStore(); });
  afterEach(async () => { await stack.close(); });

  it('dave: his one push of the window went to an earlier login, so the push he chooses now is not sent; his passcode step stands with a notice that pushes are paused, and the passcode lets him in', async () => {
    stack = await startStack({}, {}, { store, overrides: { flows: FLOWS, limits: { pushesPerUser: 1 } } });
    const earlier = await demoSignIn(stack, 'dave');
    expect(earlier.json.ways).to.deep.equal([{ policy: 1, label: PUSH }]);
    expect((await earlier.browser.postJson('/mfa/another', { csrf: String(earlier.json.csrf), way: '1' })).json().challenge.kind).to.equal('push');
    expect((await earlier.browser.postJson('/mfa/cancel', { csrf: String(earlier.json.csrf) })).json().status).to.equal('cancelled');
    expect(stack.sims.linotp.transactions('dave')).to.have.length(1);

    const dave = await demoSignIn(stack, 'dave');
    expect(dave.json.challenge.kind).to.equal('passcode');
    const csrf = String(dave.json.csrf);
    const chosen = (await dave.browser.postJson('/mfa/another', { csrf, way: '1' })).json();
    expect(chosen.status).to.equal('challenge');
    expect(chosen.challenge.kind).to.equal('passcode');
    expect(chosen.notice).to.deep.include({ code: 'pushes_paused', message: PUSHES_PAUSED });
    expect(chosen, 'the push is no longer offered').not.to.have.property('ways');
    expect(stack.sims.linotp.transactions('dave'), 'no push was sent').to.have.length(1);
    expect(stack.logs.lines.filter((l) => l.event === 'way_unavailable')).to.have.length(1);
    expect(stack.logs.lines.find((l) => l.event === 'way_unavailable')).to.include({ user: 'dave', policy: 1, action: 'PUSH', reason: 'rate_limited', limit: 'pushes-user' });
    expect(stack.logs.lines.some((l) => l.event === 'login_failed')).to.equal(false);
    const refusals = (await stack.fg.metrics.rateLimitRefusals.get()).values;
    expect(refusals.find((v) => v.labels.limit === 'pushes-user')?.value).to.equal(1);
    // The refused push is counted like the one sent: nothing is given back.
    expect((await new Limits(store, stack.config.limits).countersOf('dave')).pushes).to.equal(2);

    // The page without the script says the same after its redirect.
    expect((await dave.browser.get('/mfa/passcode?notice=pushes_paused')).body).to.include(PUSHES_PAUSED).and.not.include('/mfa/another');

    const passcode = String(stack.sims.anakam.lastPasscode('dave'));
    expect((await dave.browser.postJson('/mfa/passcode', { passcode, csrf })).json()).to.include({ status: 'done' });
    expect(stack.logs.lines.filter((l) => l.event === 'login_finished').map((l) => l.outcome)).to.deep.equal(['cancelled', 'success']);
  });

  it('a lock on wrong answers met by the push he chooses (its start checks his password) still ends the login, as before', async () => {
    stack = await startStack({}, {}, { store, overrides: { flows: FLOWS } });
    const dave = await demoSignIn(stack, 'dave');
    // Locked meanwhile, as another login's last wrong answer or the two-factor server's lock does.
    await new Limits(store, stack.config.limits).lock('dave');
    const chosen = (await dave.browser.postJson('/mfa/another', { csrf: String(dave.json.csrf), way: '1' })).json();
    expect(chosen).to.include({ status: 'failed', code: 'rate_limited' });
    expect(stack.sims.linotp.transactions('dave')).to.deep.equal([]);
    expect(stack.logs.lines.some((l) => l.event === 'way_unavailable')).to.equal(false);
    expect(stack.logs.lines.find((l) => l.event === 'login_failed')).to.include({ user: 'dave', code: 'rate_limited', limit: 'wrong-user' });
  });
});
