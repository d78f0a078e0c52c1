import { expect } from 'chai';
import { Limits } from '../../src/security/limits.js';
import { MemoryStore } from '../../src/state/memory_store.js';
import { startStack, type Stack } from '../e2e/stack.js';
import { demoSignIn, PUSHES_PAUSED } from '../helpers/demo_login.js';

// "Send a new one" on a push step once the user's pushes for the window are spent
// (limits.pushesPerUser) sends nothing and does not end the login: the push step stands with the
// pushes_paused notice, and the push already on the phone can still be approved. The refused push
// stays counted. A user locked by wrong answers meanwhile gets no new push: the
// lock ends the login. Against the demo's servers and users
// (fixtures/demo-users.yaml): dave has a push device (and an e-mail address, for the other way).


/** A push first, a passcode under "Other options". */
const FLOWS = {
  entry: 'password',
  factors: {
    password: { policies: [{ rule: 'true', action: 'GATEWAY_PASSWORD', next: 'second' }] },
    second: { policies: [{ rule: 'true', action: 'PUSH' }, { rule: 'true', action: 'ANAKAM_PASSCODE' }] },
  },
};

describe('login: "send a new one" on a push step once the user\'s pushes are spent', function () {
  this.timeout(30_000);
  let stack: Stack;
  let store: MemoryStore;
  beforeEach(() => { store = new MemoryStore(); });
  afterEach(async () => { await stack.close(); });

  it('dave: his one push of the window is on his phone, so the new one he asks for is not sent; the push step stands with a notice that pushes are paused, and approving the first push lets him in', async () => {
    stack = await startStack({}, {}, { store, overrides: { flows: FLOWS, limits: { pushesPerUser: 1 } } });
    const dave = await demoSignIn(stack, 'dave');
    expect(dave.json.challenge.kind).to.equal('push');
    const csrf = String(dave.json.csrf);
    const [first] = stack.sims.linotp.pending('dave');

    const resent = (await dave.browser.postJson('/mfa/resend', { csrf })).json();
    expect(resent.status).to.equal('challenge');
    expect(resent.challenge.kind).to.equal('push');
    expect(resent.challenge.number, 'the push on the phone is the one shown').to.equal(dave.json.challenge.number);
    expect(resent.notice).to.deep.include({ code: 'pushes_paused', message: PUSHES_PAUSED });
    expect(resent.ways, 'the other way is still offered').to.deep.equal(dave.json.ways);
    expect(stack.sims.linotp.transactions('dave'), 'no push was sent').to.have.length(1);
    expect(stack.sims.linotp.pending('dave').map((t) => t.transactionid), 'the first push was not withdrawn').to.deep.equal([first!.transactionid]);
    expect(stack.logs.lines.filter((l) => l.event === 'push_resend_refused')).to.have.length(1);
    expect(stack.logs.lines.find((l) => l.event === 'push_resend_refused')).to.include({ user: 'dave', limit: 'pushes-user' });
    expect(stack.logs.lines.some((l) => l.event === 'push_resend')).to.equal(false);
    expect(stack.logs.lines.some((l) => l.event === 'login_failed')).to.equal(false);
    const refusals = (await stack.fg.metrics.rateLimitRefusals.get()).values;
    expect(refusals.find((v) => v.labels.limit === 'pushes-user')?.value).to.equal(1);
    // The refused push is counted like the one sent: nothing is given back.
    expect((await new Limits(store, stack.config.limits).countersOf('dave')).pushes).to.equal(2);

    // The page without the script says the same after its redirect.
    expect((await dave.browser.get('/mfa/passcode?notice=pushes_paused')).body).to.include(PUSHES_PAUSED);

    expect(stack.sims.linotp.approve(first!.transactionid)).to.equal('accepted');
    expect((await dave.browser.postJson('/mfa/push/confirm', { csrf })).json()).to.include({ status: 'done' });
    expect(stack.logs.lines.filter((l) => l.event === 'login_finished').map((l) => l.outcome)).to.deep.equal(['success']);
  });

  it('within his pushes, the new one is sent as before', async () => {
    stack = await startStack({}, {}, { store, overrides: { flows: FLOWS, limits: { pushesPerUser: 2 } } });
    const dave = await demoSignIn(stack, 'dave');
    const resent = (await dave.browser.postJson('/mfa/resend', { csrf: String(dave.json.csrf) })).json();
    expect(resent.notice).to.deep.include({ code: 'push_resent' });
    expect(stack.sims.linotp.transactions('dave')).to.have.length(2);
    expect(stack.logs.lines.some((l) => l.event === 'push_resend_refused')).to.equal(false);
  });

  it('dave, locked meanwhile by wrong answers: the new push he asks for is not sent, and the lock ends the login as at any other step', async () => {
    stack = await startStack({}, {}, { store, overrides: { flows: FLOWS } });
    const dave = await demoSignIn(stack, 'dave');
    expect(stack.sims.linotp.transactions('dave')).to.have.length(1);
    // Locked meanwhile, as another login's last wrong answer or denied push does.
    await new Limits(store, stack.config.limits).lock('dave');
    const resent = (await dave.browser.postJson('/mfa/resend', { csrf: String(dave.json.csrf) })).json();
    expect(resent).to.include({ status: 'failed', code: 'rate_limited' });
    expect(stack.sims.linotp.transactions('dave'), 'no new push was sent').to.have.length(1);
    expect(stack.sims.linotp.pending('dave'), 'and the one on the phone was withdrawn with the login').to.deep.equal([]);
    expect((await new Limits(store, stack.config.limits).countersOf('dave')).pushes, 'a push refused for the lock spends none of his pushes').to.equal(1);
    expect(stack.logs.lines.some((l) => l.event === 'push_resend_refused')).to.equal(false);
    expect(stack.logs.lines.find((l) => l.event === 'login_failed')).to.include({ user: 'dave', code: 'rate_limited', limit: 'wrong-user' });
  });
});
