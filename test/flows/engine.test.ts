import { expect } from 'chai';
import { compileChecked } from '../../src/flows/compile.js';
import { pathLabel, resumeFlow, runFactor, startFlow, switchToPolicy, type EngineState, type EngineStep } from '../../src/flows/index.js';
import type { FlowsConfig } from '../../src/flows/schema.js';
import { facts, flowFrom, flowOf, scriptedAct } from './helpers.js';

/** A step's state as it would come back from the login record: through JSON. */
const stored = (step: EngineStep<unknown>): EngineState => JSON.parse(JSON.stringify(step.state)) as EngineState;

const codeSchema = { fields: [{ name: 'code', label: 'Code', type: 'otp' }] };

describe('flow engine (src/flows/engine.ts)', () => {
  describe('OR semantics inside a factor', () => {
    const flow = flowOf(flowFrom({
      password: [['true', 'GATEWAY_PASSWORD', 'second']],
      second: [['device.accepted', 'ANAKAM_DEVICE'], ['true', 'PUSH'], ['true', 'ANAKAM_PASSCODE']],
    }));

    it('the first policy whose rule holds and whose action succeeds wins; later ones are not tried', async () => {
      const act = scriptedAct({ GATEWAY_PASSWORD: ['success'], ANAKAM_DEVICE: ['success'] });
      const step = await startFlow(flow, facts({ device: { presented: true, accepted: true } }), act);
      expect(step.kind).to.equal('done');
      expect(act.calls.map((c) => c.action)).to.deep.equal(['GATEWAY_PASSWORD', 'ANAKAM_DEVICE']);
      if (step.kind !== 'done') return;
      expect(step.path).to.deep.equal([{ factor: 'password', index: 0, action: 'GATEWAY_PASSWORD' }, { factor: 'second', index: 0, action: 'ANAKAM_DEVICE' }]);
      expect(pathLabel(flow, step.path)).to.equal('password:GATEWAY_PASSWORD → second:ANAKAM_DEVICE → done');
    });

    it('a policy whose rule does not hold is skipped without calling its action', async () => {
      const act = scriptedAct({ GATEWAY_PASSWORD: ['success'], PUSH: ['success'] });
      const step = await startFlow(flow, facts(), act);
      expect(act.calls.map((c) => c.action)).to.deep.equal(['GATEWAY_PASSWORD', 'PUSH']);
      expect(step).to.deep.include({ kind: 'done' });
      expect(step.state.tried).to.deep.equal([{ index: 0, outcome: 'rule_false' }]);
    });

    it('an action that fails moves on to the next policy', async () => {
      const act = scriptedAct({ GATEWAY_PASSWORD: ['success'], ANAKAM_DEVICE: ['fail'], PUSH: ['fail'], ANAKAM_PASSCODE: ['success'] });
      const step = await startFlow(flow, facts({ device: { presented: true, accepted: true } }), act);
      expect(act.calls.map((c) => c.action)).to.deep.equal(['GATEWAY_PASSWORD', 'ANAKAM_DEVICE', 'PUSH', 'ANAKAM_PASSCODE']);
      expect(step.kind === 'done' && step.path[1]).to.deep.equal({ factor: 'second', index: 2, action: 'ANAKAM_PASSCODE' });
    });

    it('no winner ends the login, naming the factor and what each policy did', async () => {
      const act = scriptedAct({ GATEWAY_PASSWORD: ['success'], PUSH: ['fail'], ANAKAM_PASSCODE: ['fail'] });
      const step = await startFlow(flow, facts(), act);
      expect(step).to.deep.include({
        kind: 'failed', reason: 'no_winner', factor: 'second',
        tried: [{ index: 0, outcome: 'rule_false' }, { index: 1, outcome: 'failed' }, { index: 2, outcome: 'failed' }],
        path: [{ factor: 'password', index: 0, action: 'GATEWAY_PASSWORD' }],
      });
    });

    it('a finished flow, won or failed, leaves a state that waits for nothing', async () => {
      const done = await startFlow(flow, facts(), scriptedAct({ GATEWAY_PASSWORD: ['success'], PUSH: ['success'] }));
      const path = [{ factor: 'password', index: 0, action: 'GATEWAY_PASSWORD' }, { factor: 'second', index: 1, action: 'PUSH' }];
      expect(stored(done)).to.deep.equal({ flow: flow.fingerprint, factor: 'second', policy: 1, waiting: 'none', path, tried: [{ index: 0, outcome: 'rule_false' }] });
      const failed = await startFlow(flow, facts(), scriptedAct({ GATEWAY_PASSWORD: ['fail'] }));
      expect(stored(failed)).to.deep.equal({ flow: flow.fingerprint, factor: 'password', policy: 0, waiting: 'none', path: [], tried: [{ index: 0, outcome: 'failed' }] });
    });

    it('a failing first factor ends the login there', async () => {
      const act = scriptedAct({ GATEWAY_PASSWORD: ['fail'] });
      expect(await startFlow(flow, facts(), act)).to.deep.include({ kind: 'failed', reason: 'no_winner', factor: 'password', path: [] });
      expect(act.calls).to.have.length(1);
    });
  });

  describe('challenges', () => {
    const flow = flowOf(flowFrom({ password: [['true', 'GATEWAY_PASSWORD', 'second']], second: [['true', 'PUSH'], ['true', 'OTP_CODE']] }));

    it('an action that needs the user returns its challenge and a state to resume from', async () => {
      const act = scriptedAct({ GATEWAY_PASSWORD: ['success'], PUSH: [{ challenge: { number: 42 } }] });
      const step = await startFlow(flow, facts(), act);
      expect(step).to.deep.include({ kind: 'challenge', factor: 'second', index: 0, action: 'PUSH', challenge: { number: 42 } });
      expect(stored(step)).to.deep.equal({
        flow: flow.fingerprint, factor: 'second', policy: 0, waiting: 'challenge',
        path: [{ factor: 'password', index: 0, action: 'GATEWAY_PASSWORD' }], tried: [],
      });
    });

    it('resuming asks the same action again, marked resumed, without testing its rule again', async () => {
      const config = flowFrom({ password: [['true', 'GATEWAY_PASSWORD', 'second']], second: [['device.presented', 'PUSH'], ['true', 'OTP_CODE']] });
      const first = await startFlow(flowOf(config), facts({ device: { presented: true, accepted: true } }), scriptedAct({ GATEWAY_PASSWORD: ['success'], PUSH: [{ challenge: 'push sent' }] }));
      const act = scriptedAct({ PUSH: ['success'] });
      // Another process, the same configuration (so the same fingerprint); the device cookie is gone by now.
      const step = await resumeFlow(flowOf(config), stored(first), facts(), act);
      expect(act.calls).to.deep.equal([{ action: 'PUSH', at: { factor: 'second', index: 0, resumed: true } }]);
      expect(step.kind === 'done' && pathLabel(flow, step.path)).to.equal('password:GATEWAY_PASSWORD → second:PUSH → done');
    });

    it('a challenge can repeat (a wrong code), then fail over to the next policy', async () => {
      let step = await startFlow(flow, facts(), scriptedAct({ GATEWAY_PASSWORD: ['success'], PUSH: [{ challenge: 'push' }] }));
      step = await resumeFlow(flow, stored(step), facts(), scriptedAct({ PUSH: [{ challenge: 'still waiting' }] }));
      expect(step).to.deep.include({ kind: 'challenge', index: 0, challenge: 'still waiting' });
      const act = scriptedAct({ PUSH: ['fail'], OTP_CODE: [{ challenge: 'type the code' }] });
      step = await resumeFlow(flow, stored(step), facts(), act);
      expect(act.calls.map((c) => [c.action, c.at.resumed])).to.deep.equal([['PUSH', true], ['OTP_CODE', false]]);
      expect(step).to.deep.include({ kind: 'challenge', index: 1, action: 'OTP_CODE', challenge: 'type the code' });
      expect(step.state.tried).to.deep.equal([{ index: 0, outcome: 'failed' }]);
      step = await resumeFlow(flow, stored(step), facts(), scriptedAct({ OTP_CODE: ['fail'] }));
      expect(step).to.deep.include({ kind: 'failed', reason: 'no_winner', factor: 'second', tried: [{ index: 0, outcome: 'failed' }, { index: 1, outcome: 'failed' }] });
    });
  });

  describe('passthrough and interactive factors', () => {
    const flow = flowOf({
      entry: 'password',
      factors: {
        password: { policies: [{ rule: 'true', action: 'LDAP_BIND', next: 'decide' }] },
        decide: { policies: [{ rule: "user.groups contains 'admins'", action: 'NO_AUTHN', next: 'code' }, { rule: 'true', action: 'NO_AUTHN', next: 'passcode' }] },
        code: { loginSchema: codeSchema, policies: [{ rule: "factor('decide').succeeded", action: 'OTP_CODE' }] },
        passcode: { policies: [{ rule: 'true', action: 'ANAKAM_PASSCODE' }] },
      },
    });

    it('passthrough factors run at once, on what is known; NO_AUTHN needs no act', async () => {
      const act = scriptedAct({ LDAP_BIND: ['success'], ANAKAM_PASSCODE: ['success'] });
      const step = await startFlow(flow, facts(), act);
      expect(act.calls.map((c) => c.action)).to.deep.equal(['LDAP_BIND', 'ANAKAM_PASSCODE']);
      expect(step.kind === 'done' && pathLabel(flow, step.path)).to.equal('password:LDAP_BIND → decide[1]:NO_AUTHN → passcode:ANAKAM_PASSCODE → done');
    });

    it('rules see facts as they are when tested (groups read by LDAP_BIND)', async () => {
      let groups: string[] | undefined;
      const act = scriptedAct({ LDAP_BIND: ['success'] });
      const bind = async (...args: Parameters<typeof act>) => {
        groups = ['cn=admins,dc=example,dc=org'];
        return act(...args);
      };
      const step = await startFlow(flow, () => facts({ user: { name: 'bob', groups } }), bind);
      expect(step).to.deep.include({ kind: 'ask', factor: 'code', loginSchema: codeSchema });
    });

    it('an interactive factor asks first, then runs its policies on resume; rules see succeeded factors', async () => {
      const withGroups = facts({ user: { name: 'bob', groups: ['admins'] } });
      const asked = await startFlow(flow, withGroups, scriptedAct({ LDAP_BIND: ['success'] }));
      expect(stored(asked)).to.deep.include({ factor: 'code', policy: 0, waiting: 'input', tried: [] });
      const act = scriptedAct({ OTP_CODE: ['success'] });
      const step = await resumeFlow(flow, stored(asked), withGroups, act);
      expect(act.calls).to.deep.equal([{ action: 'OTP_CODE', at: { factor: 'code', index: 0, resumed: false } }]);
      expect(step.kind === 'done' && step.path.map((s) => s.factor)).to.deep.equal(['password', 'decide', 'code']);
      expect(step.state.tried).to.deep.equal([]);
    });

    it('only a factor with a form waits for input, and no NO_AUTHN policy waits for a challenge', async () => {
      const asked = stored(await startFlow(flow, facts({ user: { name: 'bob', groups: ['admins'] } }), scriptedAct({ LDAP_BIND: ['success'] })));
      const unfit: EngineState[] = [
        { ...asked, waiting: 'none' },
        { ...asked, factor: 'passcode', waiting: 'input' },
        { ...asked, factor: 'decide', policy: 0, waiting: 'challenge' },
        { ...asked, factor: 'decide', policy: 1, waiting: 'challenge' },
      ];
      for (const state of unfit) {
        const act = scriptedAct({});
        expect(await resumeFlow(flow, state, facts(), act), JSON.stringify(state)).to.deep.include({ kind: 'failed', reason: 'stale_state' });
        expect(act.calls).to.deep.equal([]);
      }
    });

    it('a wrong answer on a form fails the factor (no winner): the caller decides whether to ask again', async () => {
      const asked = await startFlow(flow, facts({ user: { name: 'bob', groups: ['admins'] } }), scriptedAct({ LDAP_BIND: ['success'] }));
      const step = await resumeFlow(flow, stored(asked), facts(), scriptedAct({ OTP_CODE: ['fail'] }));
      expect(step).to.deep.include({ kind: 'failed', reason: 'no_winner', factor: 'code' });
    });
  });

  describe('switchToPolicy: a later way the user chose instead of the open challenge', () => {
    const flow = flowOf(flowFrom({ password: [['true', 'GATEWAY_PASSWORD', 'second']], second: [['true', 'PUSH'], ['true', 'OTP_CODE'], ['true', 'ANAKAM_PASSCODE']] }));
    const waiting = async () => stored(await startFlow(flow, facts(), scriptedAct({ GATEWAY_PASSWORD: ['success'], PUSH: [{ challenge: 1 }] })));

    it('runs the chosen policy alone: the open one counts as failed, the one in between is never called', async () => {
      const act = scriptedAct({ ANAKAM_PASSCODE: [{ challenge: 2 }] });
      const step = await switchToPolicy(flow, await waiting(), 2, facts(), act);
      expect(act.calls.map((c) => [c.action, c.at.index, c.at.resumed])).to.deep.equal([['ANAKAM_PASSCODE', 2, false]]);
      expect(step).to.deep.include({ kind: 'challenge', index: 2, action: 'ANAKAM_PASSCODE', challenge: 2 });
      expect(step.state.tried).to.deep.equal([{ index: 0, outcome: 'failed' }]);
    });

    it('fails closed without calling act for the open policy, an earlier one, one past the end, or a state not waiting for a challenge', async () => {
      const base = await waiting();
      for (const [state, index] of [[base, 0], [base, 3], [base, -1], [base, 1.5], [{ ...base, waiting: 'none' }, 2]] as const) {
        const act = scriptedAct({});
        const step = await switchToPolicy(flow, state as EngineState, index, facts(), act);
        expect(step, `${index}`).to.deep.include({ kind: 'failed', reason: 'stale_state' });
        expect(act.calls).to.deep.equal([]);
      }
    });
  });

  describe('stored state', () => {
    const flow = flowOf(flowFrom({ password: [['true', 'GATEWAY_PASSWORD', 'second']], second: [['true', 'PUSH']] }));
    const waiting = async () => stored(await startFlow(flow, facts(), scriptedAct({ GATEWAY_PASSWORD: ['success'], PUSH: [{ challenge: 1 }] })));

    it('a state from another flow (the configuration was reloaded) fails closed, without calling act', async () => {
      const other = flowOf(flowFrom({ password: [['true', 'GATEWAY_PASSWORD', 'second']], second: [['true', 'PUSH'], ['true', 'OTP_CODE']] }));
      const act = scriptedAct({});
      expect(await resumeFlow(other, await waiting(), facts(), act)).to.deep.include({ kind: 'failed', reason: 'stale_state', factor: 'second' });
      expect(act.calls).to.deep.equal([]);
    });

    it('a state that does not fit (unknown factor, policy out of range, not waiting, not a state) fails closed', async () => {
      const base = await waiting();
      const broken: unknown[] = [
        { ...base, factor: 'nosuch' }, { ...base, factor: 'constructor' }, { ...base, policy: 5 }, { ...base, policy: -1 }, { ...base, policy: 0.5 },
        { ...base, waiting: 'none' }, { ...base, waiting: 'input' }, { ...base, path: 'x' }, null, 'state', {},
      ];
      for (const state of broken) {
        const step = await resumeFlow(flow, state as EngineState, facts(), scriptedAct({}));
        expect(step.kind, JSON.stringify(state)).to.equal('failed');
        expect((step as { reason: string }).reason).to.equal('stale_state');
      }
    });

    it('a stale state\'s failure names its factor and path when it has them, and "?" and none when it is not a state', async () => {
      const base = await waiting();
      expect(await resumeFlow(flow, { ...base, waiting: 'none' }, facts(), scriptedAct({}))).to.deep.include({
        reason: 'stale_state', factor: 'second', tried: [], path: [{ factor: 'password', index: 0, action: 'GATEWAY_PASSWORD' }],
      });
      expect(await switchToPolicy(flow, { ...base, waiting: 'none' }, 1, facts(), scriptedAct({}))).to.deep.include({
        reason: 'stale_state', factor: 'second', tried: [], path: [{ factor: 'password', index: 0, action: 'GATEWAY_PASSWORD' }],
      });
      const notStates = [undefined, null, 'state', {}, { ...base, flow: 42 }, { ...base, factor: 42 }, { ...base, policy: -1 }, { ...base, policy: 0.5 }, { ...base, path: 'x' }, { ...base, tried: {} }];
      for (const state of notStates) {
        const stale = { reason: 'stale_state', factor: '?', tried: [], path: [] };
        expect(await resumeFlow(flow, state as EngineState, facts(), scriptedAct({})), String(JSON.stringify(state))).to.deep.include(stale);
        expect(await switchToPolicy(flow, state as EngineState, 1, facts(), scriptedAct({})), String(JSON.stringify(state))).to.deep.include(stale);
      }
    });

    it('an act that answers anything but success, fail or a challenge is a bug, never a success', async () => {
      for (const answer of [undefined, null, true, 'ok', 'SUCCESS', {}, { success: true }]) {
        const act = async () => answer as never;
        let thrown: unknown;
        await startFlow(flow, facts(), act).catch((err: unknown) => { thrown = err; });
        expect(thrown, String(answer)).to.be.instanceOf(TypeError);
      }
    });

    it('says what such an act returned, so the bug can be found', async () => {
      const answers: Array<[unknown, string]> = [[null, 'null'], [undefined, 'undefined'], [true, 'boolean'], ['ok', 'string'], [{}, 'object']];
      for (const [answer, named] of answers) {
        const thrown = await startFlow(flow, facts(), async () => answer as never).then(() => undefined, (err: unknown) => err);
        expect((thrown as Error).message, String(answer)).to.equal(`act returned ${named}: expected 'success', 'fail' or { challenge }`);
      }
    });

    it('an act that throws (the server is down) propagates, and the stored state is untouched', async () => {
      const state = await waiting();
      const before = structuredClone(state);
      const act = async () => {
        throw new Error('tfa down');
      };
      let thrown: unknown;
      await resumeFlow(flow, state, facts(), act).catch((err: unknown) => { thrown = err; });
      expect((thrown as Error).message).to.equal('tfa down');
      expect(state).to.deep.equal(before);
    });

    it('refuses to loop forever on a flow that skipped the checks', async () => {
      const config = { requireSecondFactor: true, timeZone: 'UTC', entry: 'a', factors: { a: { policies: [{ rule: 'true', action: 'NO_AUTHN', next: 'a', allowNoSecondFactor: false, allowCode: false }] } } } as FlowsConfig;
      let thrown: unknown;
      await startFlow(compileChecked(config), facts(), scriptedAct({})).catch((err: unknown) => { thrown = err; });
      expect((thrown as Error).message).to.equal('flow loops: it was not checked');
    });
  });

  it('runFactor on its own, by default from the first policy, on a plain context, with nothing tried before', async () => {
    const flow = flowOf(flowFrom({ a: [["user.name == 'bob'", 'PUSH'], ["user.name == 'alice'", 'OTP_CODE'], ['true', 'ANAKAM_PASSCODE']] }));
    const act = scriptedAct({ OTP_CODE: ['success'] });
    const result = await runFactor(flow.factors.get('a')!, { ...facts(), succeeded: [] }, act);
    expect(result.kind === 'won' && result.policy.index).to.equal(1);
    expect(result.tried).to.deep.equal([{ index: 0, outcome: 'rule_false' }]);
    expect(act.calls).to.deep.equal([{ action: 'OTP_CODE', at: { factor: 'a', index: 1, resumed: false } }]);
  });

  it('runFactor on its own: from a given policy, with what was tried before', async () => {
    const flow = flowOf(flowFrom({ a: [['true', 'PUSH'], ['true', 'OTP_CODE'], ['true', 'ANAKAM_PASSCODE']] }));
    const factor = flow.factors.get('a')!;
    const ctx = { ...facts(), succeeded: [] };
    const act = scriptedAct({ OTP_CODE: ['fail'], ANAKAM_PASSCODE: ['success'] });
    const result = await runFactor(factor, ctx, act, { index: 1, resumed: false, tried: [{ index: 0, outcome: 'failed' }] });
    expect(result.kind).to.equal('won');
    expect(result.tried).to.deep.equal([{ index: 0, outcome: 'failed' }, { index: 1, outcome: 'failed' }]);
    expect(result.kind === 'won' && result.policy.index).to.equal(2);
  });
});
