import { expect } from 'chai';
import { Limits } from '../../src/security/limits.js';
import { MemoryStore } from '../../src/state/memory_store.js';
import { startStack, type Stack } from '../e2e/stack.js';
import { demoSignIn } from '../helpers/demo_login.js';

// "Send a new one" on a passcode step after the user was locked meanwhile (another login's last
// wrong answer, say) sends no passcode: the lock ends the login, as it ends a push resend and every
// other step. Against the demo's servers and users (fixtures/demo-users.yaml): dave has an e-mail address.

const FLOWS = {
  entry: 'password',
  factors: {
    password: { policies: [{ rule: 'true', action: 'GATEWAY_PASSWORD', next: 'second' }] },
    second: { policies: [{ rule: 'true', action: 'ANAKAM_PASSCODE' }] },
  },
};

describe('login: "send a new one" on a passcode step once the user is locked', function () {
  this.timeout(30_000);
  let stack: Stack;
  let store: MemoryStore;
  beforeEach(async () => {
    store = new MemoryStore();
    stack = await startStack({}, {}, { store, overrides: { flows: FLOWS } });
  });
  afterEach(async () => { await stack.close(); });

  const passcodesSent = (user: string) => stack.sims.anakam.calls().filter((c) => c.user === user && c.call === 'GET_PARAMS').length;

  async function signIn(user: string) {
    const { browser, json } = await demoSignIn(stack, user);
    expect(json.challenge.kind).to.equal('passcode');
    return { browser, csrf: String(json.csrf) };
  }

  it('within the limits, a new passcode is sent', async () => {
    const dave = await signIn('dave');
    const before = passcodesSent('dave');
    const resent = (await dave.browser.postJson('/mfa/resend', { csrf: dave.csrf })).json();
    expect(resent.status).to.equal('challenge');
    expect(passcodesSent('dave')).to.equal(before + 1);
  });

  it('dave, locked meanwhile: no passcode is sent, and the lock ends the login', async () => {
    const dave = await signIn('dave');
    const before = passcodesSent('dave');
    await new Limits(store, stack.config.limits).lock('dave');
    const resent = (await dave.browser.postJson('/mfa/resend', { csrf: dave.csrf })).json();
    expect(resent).to.include({ status: 'failed', code: 'rate_limited' });
    expect(passcodesSent('dave'), 'no passcode was sent').to.equal(before);
    expect(stack.logs.lines.find((l) => l.event === 'login_failed')).to.include({ user: 'dave', code: 'rate_limited', limit: 'wrong-user' });
  });
});
