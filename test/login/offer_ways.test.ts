import { expect } from 'chai';
import type { Config } from '../../src/config/schema.js';
import type { CompiledFlow } from '../../src/flows/index.js';
import { canUse, offerWays } from '../../src/login/offer_ways.js';
import type { LoginRecord } from '../../src/login/record.js';
import { ProviderRegistry, type Providers } from '../../src/providers/registry.js';
import { facts, fixture, flowFrom, flowOf } from '../flows/helpers.js';

// Which of the flow's later ways a user is offered when a challenge opens (src/login/offer_ways.ts),
// and what that costs: each store lookup is counted. Over HTTP: test/login/other_options.test.ts.

/** Device and passkey stores that answer from a list of users, counting every lookup. */
function stores(withApp: readonly string[], withPasskey: readonly string[] = []) {
  const lookups: string[] = [];
  const providers = {
    totp: { name: 'totp', hasDevice: (user: string) => { lookups.push(`app:${user}`); return Promise.resolve(withApp.includes(user)); } },
    webauthn: { name: 'webauthn', hasPasskey: (user: string) => { lookups.push(`passkey:${user}`); return Promise.resolve(withPasskey.includes(user)); } },
  } as unknown as Providers;
  return { registry: new ProviderRegistry(providers), lookups };
}

/** A login whose open challenge is the first policy of `factor`, after `passed` (one factor). */
function waitingOn(flow: CompiledFlow, factor: string, options: { user?: string; passwordChecked?: boolean } = {}): LoginRecord {
  return {
    username: options.user ?? 'dave',
    passwordChecked: options.passwordChecked ?? true,
    flow: { flow: flow.fingerprint, factor, policy: 0, waiting: 'challenge', path: [{ factor: 'password', index: 0, action: 'GATEWAY_PASSWORD' }], tried: [] },
  } as unknown as LoginRecord;
}

const config = (withoutDevice: 'refuse' | 'enrol' = 'refuse') => ({ otp: { withoutDevice } }) as unknown as Config;

async function offered(flow: CompiledFlow, record: LoginRecord, s: ReturnType<typeof stores>, options: { withoutDevice?: 'refuse' | 'enrol'; scriptRuns?: boolean } = {}) {
  const can = canUse({ config: config(options.withoutDevice), providers: s.registry }, record, options.scriptRuns ?? true);
  return offerWays(flow, record, facts({ user: { name: record.username } }), can);
}

describe('login: the ways offered with a challenge (src/login/offer_ways.ts)', () => {
  const fallback = flowOf(fixture('push-otp-fallback'));

  it('push-otp-fallback: the app\'s code after the push only for a user with an app, one lookup each', async () => {
    const s = stores(['alice']);
    expect(await offered(fallback, waitingOn(fallback, 'push', { user: 'dave' }), s)).to.equal(undefined);
    expect(await offered(fallback, waitingOn(fallback, 'push', { user: 'alice' }), s)).to.deep.equal([{ policy: 1, label: 'Enter a code from your authenticator app' }]);
    expect(s.lookups).to.deep.equal(['app:dave', 'app:alice']);
  });

  it('before the password is known to be right, the app\'s code is offered to all and no store is asked (nobody learns who has an app)', async () => {
    const s = stores([]);
    expect(await offered(fallback, waitingOn(fallback, 'push', { passwordChecked: false }), s)).to.have.length(1);
    expect(s.lookups).to.deep.equal([]);
  });

  it('with otp.withoutDevice enrol, a user without an app is offered the code (the step enrols one), with no lookup', async () => {
    const s = stores([]);
    expect(await offered(fallback, waitingOn(fallback, 'push'), s, { withoutDevice: 'enrol' })).to.have.length(1);
    expect(s.lookups).to.deep.equal([]);
  });

  it('no store is asked for a user with no other way: the last policy, or later ones whose rules do not hold', async () => {
    const s = stores(['dave']);
    const single = flowOf(flowFrom({ password: [['true', 'GATEWAY_PASSWORD', 'second']], second: [['true', 'PUSH']] }));
    expect(await offered(single, waitingOn(single, 'second'), s)).to.equal(undefined);
    const forBob = flowOf(flowFrom({ password: [['true', 'GATEWAY_PASSWORD', 'second']], second: [['true', 'PUSH'], ['user.name matches [\'bob\']', 'OTP_CODE']] }));
    expect(await offered(forBob, waitingOn(forBob, 'second'), s)).to.equal(undefined);
    expect(s.lookups).to.deep.equal([]);
  });

  it('two ways that need the app ask the store once; a way that needs nothing is offered beside them', async () => {
    const flow = flowOf({
      entry: 'password',
      factors: {
        password: { policies: [{ rule: 'true', action: 'GATEWAY_PASSWORD', next: 'second' }] },
        second: { policies: [{ rule: 'true', action: 'PUSH' }, { rule: 'true', action: 'OTP_CODE' }, { rule: 'true', action: 'ANAKAM_PASSCODE' }, { rule: 'true', action: 'NO_AUTHN', next: 'code' }] },
        code: { policies: [{ rule: 'true', action: 'OTP_CODE' }] },
      },
    });
    const s = stores([]);
    expect((await offered(flow, waitingOn(flow, 'second'), s))?.map((way) => way.policy)).to.deep.equal([2]);
    expect(s.lookups).to.deep.equal(['app:dave']);
  });

  it('a passkey is offered only where the script runs and the user has one', async () => {
    const flow = flowOf(flowFrom({ password: [['true', 'GATEWAY_PASSWORD', 'second']], second: [['true', 'PUSH'], ['true', 'WEBAUTHN']] }));
    const s = stores([], ['erin']);
    expect(await offered(flow, waitingOn(flow, 'second', { user: 'erin' }), s, { scriptRuns: false })).to.equal(undefined);
    expect(s.lookups).to.deep.equal([]);
    expect(await offered(flow, waitingOn(flow, 'second', { user: 'dave' }), s)).to.equal(undefined);
    expect(await offered(flow, waitingOn(flow, 'second', { user: 'erin' }), s)).to.deep.equal([{ policy: 1, label: 'Use a passkey or security key' }]);
    expect(s.lookups).to.deep.equal(['passkey:dave', 'passkey:erin']);
  });

  it('a way whose provider is not configured is not offered', async () => {
    const s = { registry: new ProviderRegistry({}), lookups: [] as string[] };
    expect(await offered(fallback, waitingOn(fallback, 'push'), s)).to.equal(undefined);
  });
});
