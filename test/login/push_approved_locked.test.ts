import { expect } from 'chai';
import { Limits } from '../../src/security/limits.js';
import { MemoryStore } from '../../src/state/memory_store.js';
import { startStack, type Stack } from '../e2e/stack.js';
import type { TestBrowser } from '../helpers/browser.js';
import { demoSignIn } from '../helpers/demo_login.js';

// A push approved on the phone lets the user in only if the user is not locked by then. Push
// bombing ends in a lock once the user has denied enough pushes, or once passcodes guessed in
// another sign-in run out; a push sent before that lock and approved after it (the user giving in)
// must not let the sender in. Against the demo's servers and users (fixtures/demo-users.yaml):
// dave has a push device.

const FLOWS = {
  entry: 'password',
  factors: {
    password: { policies: [{ rule: 'true', action: 'GATEWAY_PASSWORD', next: 'second' }] },
    second: { policies: [{ rule: 'true', action: 'PUSH' }] },
  },
};

async function signIn(stack: Stack, user: string): Promise<{ browser: TestBrowser; csrf: string }> {
  const { browser, json } = await demoSignIn(stack, user);
  expect(json.challenge.kind).to.equal('push');
  return { browser, csrf: String(json.csrf) };
}

/** The gateway's session cookie (the simulator's NSC_AAAC) as the browser holds it, if any. */
const gatewaySession = (browser: TestBrowser) => browser.cookie('NSC_AAAC', '/vpn/portal.html');

describe('login: a push approved after the user was locked', function () {
  this.timeout(30_000);
  let stack: Stack;
  let store: MemoryStore;
  beforeEach(() => { store = new MemoryStore(); });
  afterEach(async () => { await stack.close(); });

  it('dave denies pushes until he is locked, then approves the one still on his phone: the sign-in ends locked, and no gateway session is handed over', async () => {
    stack = await startStack({}, {}, { store, overrides: { flows: FLOWS, limits: { wrongAnswersPerUser: 3 } } });
    const dave = await signIn(stack, 'dave');
    const [onPhone] = stack.sims.linotp.pending('dave');
    // The gateway checked the password first and answered with a session, held by factorgate.
    expect(stack.sims.gateway.sessionCount('dave')).to.equal(1);
    // Three other pushes denied (as the sign-ins of someone bombing him would be counted): the lock.
    const limits = new Limits(store, stack.config.limits);
    for (const push of ['other-1:0', 'other-2:0', 'other-3:0']) await limits.pushDenied('dave', push);
    expect((await limits.countersOf('dave')).locked).to.equal(true);

    expect(stack.sims.linotp.approve(onPhone!.transactionid)).to.equal('accepted');
    const reply = await dave.browser.postJson('/mfa/push/confirm', { csrf: dave.csrf });
    expect(reply.json()).to.include({ status: 'failed', code: 'rate_limited' });
    expect(await gatewaySession(dave.browser), 'no gateway session handed over').to.equal(undefined);
    expect(stack.sims.gateway.sessionCount('dave'), 'the held session was logged out').to.equal(0);
    expect(stack.logs.lines.find((l) => l.event === 'login_finished')).to.include({ user: 'dave', outcome: 'rate_limited' });
    expect(stack.logs.lines.find((l) => l.event === 'login_failed')).to.include({ user: 'dave', code: 'rate_limited', limit: 'wrong-user' });

    // The handle is dead: confirming again lets no one in either.
    const again = (await dave.browser.postJson('/mfa/push/confirm', { csrf: dave.csrf })).json();
    expect(again.status).to.equal('failed');
    expect(await gatewaySession(dave.browser)).to.equal(undefined);
  });

  it('the page without the script: the approval posted by the form gets the locked page, which says how long the lock lasts', async () => {
    stack = await startStack({}, {}, { store, overrides: { flows: FLOWS } });
    const dave = await signIn(stack, 'dave');
    const [onPhone] = stack.sims.linotp.pending('dave');
    // Locked by another sign-in's last wrong passcode.
    await new Limits(store, stack.config.limits).lock('dave');
    stack.sims.linotp.approve(onPhone!.transactionid);
    const page = await dave.browser.post('/mfa/push/confirm', { csrf: dave.csrf });
    expect(page.status).to.equal(429);
    expect(page.body).to.match(/locked/i);
    expect(page.body).to.match(/\d+ minutes?/);
  });

  it('not locked, the same approval lets dave in', async () => {
    stack = await startStack({}, {}, { store, overrides: { flows: FLOWS, limits: { wrongAnswersPerUser: 3 } } });
    const dave = await signIn(stack, 'dave');
    const [onPhone] = stack.sims.linotp.pending('dave');
    // Two denials leave him one wrong answer: not locked.
    const limits = new Limits(store, stack.config.limits);
    for (const push of ['other-1:0', 'other-2:0']) await limits.pushDenied('dave', push);
    stack.sims.linotp.approve(onPhone!.transactionid);
    expect((await dave.browser.postJson('/mfa/push/confirm', { csrf: dave.csrf })).json()).to.include({ status: 'done' });
    expect(await gatewaySession(dave.browser)).to.be.a('string');
  });
});
