import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { flowsCheckReport, pathLabel, resumeFlow, startFlow, type CompiledFlow, type EngineStep } from '../../src/flows/index.js';
import { facts, fixture, flowOf, problemsOf, scriptedAct } from './helpers.js';

// Each example in fixtures/flows/, checked at start-up and walked end to end through the engine
// with fake authenticators: the same steps the login flow will take with real ones.

const label = (flow: CompiledFlow, step: EngineStep<unknown>) => (step.kind === 'done' ? pathLabel(flow, step.path) : step.kind);
const resume = <C>(flow: CompiledFlow, step: EngineStep<C>, ...rest: [Parameters<typeof resumeFlow<C>>[2], Parameters<typeof resumeFlow<C>>[3]]) =>
  resumeFlow(flow, JSON.parse(JSON.stringify(step.state)), ...rest);

describe('flow examples (fixtures/flows/)', () => {
  it('every example is documented: comments in the file, and a section in the README', () => {
    const readme = readFileSync(new URL('../../fixtures/flows/README.md', import.meta.url), 'utf8');
    const files = readdirSync(new URL('../../fixtures/flows/', import.meta.url)).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).to.deep.equal(['broken.yaml', 'default.yaml', 'group-check.yaml', 'intranet-device.yaml', 'push-otp-fallback.yaml']);
    for (const file of files) {
      const text = readFileSync(new URL(`../../fixtures/flows/${file}`, import.meta.url), 'utf8');
      expect(text.split('\n').filter((line) => line.startsWith('#')).length, file).to.be.at.least(3);
      expect(readme, file).to.contain(`\`${file}\``);
    }
  });

  describe('default.yaml: password, then remembered device or Anakam passcode (today\'s flow)', () => {
    const flow = flowOf(fixture('default'));

    it('a remembered device the server accepts: no passcode', async () => {
      const act = scriptedAct({ GATEWAY_PASSWORD: ['success'], ANAKAM_DEVICE: ['success'] });
      const step = await startFlow(flow, facts({ device: { presented: true, accepted: true } }), act);
      expect(label(flow, step)).to.equal('password:GATEWAY_PASSWORD → second:ANAKAM_DEVICE → done');
    });

    it('a device the server refuses falls back to the passcode, which may be retried', async () => {
      const device = facts({ device: { presented: true, accepted: true } });
      let step = await startFlow(flow, device, scriptedAct({ GATEWAY_PASSWORD: ['success'], ANAKAM_DEVICE: ['fail'], ANAKAM_PASSCODE: [{ challenge: 'passcode sent' }] }));
      expect(step).to.deep.include({ kind: 'challenge', factor: 'second', action: 'ANAKAM_PASSCODE' });
      step = await resume(flow, step, device, scriptedAct({ ANAKAM_PASSCODE: [{ challenge: 'wrong, 4 left' }] }));
      expect(step).to.deep.include({ kind: 'challenge', challenge: 'wrong, 4 left' });
      step = await resume(flow, step, device, scriptedAct({ ANAKAM_PASSCODE: ['success'] }));
      expect(label(flow, step)).to.equal('password:GATEWAY_PASSWORD → second:ANAKAM_PASSCODE → done');
    });

    it('a device cookie that did not open is not sent to the server', async () => {
      const act = scriptedAct({ GATEWAY_PASSWORD: ['success'], ANAKAM_PASSCODE: [{ challenge: 'passcode sent' }] });
      await startFlow(flow, facts({ device: { presented: true, accepted: false } }), act);
      expect(act.calls.map((c) => c.action)).to.deep.equal(['GATEWAY_PASSWORD', 'ANAKAM_PASSCODE']);
    });

    it('flows check prints both paths', () => {
      expect(flowsCheckReport(fixture('default')).text).to.contain('1. password:GATEWAY_PASSWORD → second:ANAKAM_DEVICE ✓ → done')
        .and.contain('2. password:GATEWAY_PASSWORD → second:ANAKAM_PASSCODE ✓ → done');
    });
  });

  describe('group-check.yaml: the nFactor group check, administrators to push, others to passcode', () => {
    const flow = flowOf(fixture('group-check'));
    const afterBind = (groups: string[]) => {
      let known: string[] | undefined;
      const act = scriptedAct({ LDAP_BIND: ['success'], PUSH: [{ challenge: 'push' }], ANAKAM_PASSCODE: [{ challenge: 'passcode' }] });
      const bindThenAct: typeof act = Object.assign(async (...args: Parameters<typeof act>) => {
        if (args[0] === 'LDAP_BIND') known = groups; // the bind reads the groups
        return act(...args);
      }, { calls: act.calls });
      return { act: bindThenAct, facts: () => facts({ user: { name: 'bob', groups: known } }) };
    };

    it('a member of Administrators gets a push', async () => {
      const { act, facts: known } = afterBind(['cn=Administrators,ou=groups,dc=example,dc=org']);
      const step = await startFlow(flow, known, act);
      expect(step).to.deep.include({ kind: 'challenge', factor: 'admins', action: 'PUSH' });
      const done = await resume(flow, step, known, scriptedAct({ PUSH: ['success'] }));
      expect(label(flow, done)).to.equal('password:LDAP_BIND → groupcheck[0]:NO_AUTHN → admins:PUSH → done');
    });

    it('anyone else gets a passcode', async () => {
      const { act, facts: known } = afterBind(['cn=staff,ou=groups,dc=example,dc=org']);
      const step = await startFlow(flow, known, act);
      expect(step).to.deep.include({ kind: 'challenge', factor: 'others', action: 'ANAKAM_PASSCODE' });
      const done = await resume(flow, step, known, scriptedAct({ ANAKAM_PASSCODE: ['success'] }));
      expect(label(flow, done)).to.equal('password:LDAP_BIND → groupcheck[1]:NO_AUTHN → others:ANAKAM_PASSCODE → done');
    });

    it('a password the directory refuses ends the login before any second factor', async () => {
      const act = scriptedAct({ LDAP_BIND: ['fail'] });
      expect(await startFlow(flow, facts(), act)).to.deep.include({ kind: 'failed', factor: 'password' });
      expect(act.calls).to.have.length(1);
    });
  });

  describe('intranet-device.yaml: intranet clients with a remembered device skip the passcode', () => {
    const flow = flowOf(fixture('intranet-device'));
    const withDevice = { device: { presented: true, accepted: true } };

    it('from the intranet, with a device: no passcode', async () => {
      const act = scriptedAct({ GATEWAY_PASSWORD: ['success'], ANAKAM_DEVICE: ['success'] });
      const step = await startFlow(flow, facts({ client: { ip: '10.1.2.3' }, ...withDevice }), act);
      expect(label(flow, step)).to.equal('password:GATEWAY_PASSWORD → second:ANAKAM_DEVICE → done');
    });

    it('from outside, even with a device: a passcode, and the device is not even checked', async () => {
      const act = scriptedAct({ GATEWAY_PASSWORD: ['success'], ANAKAM_PASSCODE: [{ challenge: 'passcode' }] });
      const step = await startFlow(flow, facts({ client: { ip: '198.51.100.9' }, ...withDevice }), act);
      expect(step).to.deep.include({ kind: 'challenge', action: 'ANAKAM_PASSCODE' });
      expect(act.calls.map((c) => c.action)).to.not.include('ANAKAM_DEVICE');
    });

    it('from the intranet without a device, or with an unknown address: a passcode', async () => {
      for (const f of [facts({ client: { ip: '192.168.1.5' } }), facts({ client: { ip: 'unknown' }, ...withDevice })]) {
        const step = await startFlow(flow, f, scriptedAct({ GATEWAY_PASSWORD: ['success'], ANAKAM_PASSCODE: [{ challenge: 'passcode' }] }));
        expect(step).to.deep.include({ kind: 'challenge', action: 'ANAKAM_PASSCODE' });
      }
    });
  });

  describe('push-otp-fallback.yaml: push, with a one-time code as the fallback', () => {
    const flow = flowOf(fixture('push-otp-fallback'));

    it('an approved push ends the login', async () => {
      let step = await startFlow(flow, facts(), scriptedAct({ GATEWAY_PASSWORD: ['success'], PUSH: [{ challenge: { number: 17 } }] }));
      expect(step).to.deep.include({ kind: 'challenge', factor: 'push', action: 'PUSH', challenge: { number: 17 } });
      step = await resume(flow, step, facts(), scriptedAct({ PUSH: ['success'] }));
      expect(label(flow, step)).to.equal('password:GATEWAY_PASSWORD → push:PUSH → done');
    });

    it('a push that fails leads to the code page; a right code ends the login', async () => {
      let step = await startFlow(flow, facts(), scriptedAct({ GATEWAY_PASSWORD: ['success'], PUSH: [{ challenge: { number: 17 } }] }));
      step = await resume(flow, step, facts(), scriptedAct({ PUSH: ['fail'] }));
      expect(step).to.deep.include({ kind: 'ask', factor: 'code' });
      expect(step.kind === 'ask' && step.loginSchema.fields).to.deep.equal([{ name: 'code', label: 'One-time code', type: 'otp', help: 'The 6-digit code from your authenticator app.' }]);
      step = await resume(flow, step, facts(), scriptedAct({ OTP_CODE: ['success'] }));
      expect(label(flow, step)).to.equal('password:GATEWAY_PASSWORD → push:NO_AUTHN → code:OTP_CODE → done');
    });

    it('a wrong code ends the login', async () => {
      let step = await startFlow(flow, facts(), scriptedAct({ GATEWAY_PASSWORD: ['success'], PUSH: ['fail'] }));
      expect(step.kind).to.equal('ask');
      step = await resume(flow, step, facts(), scriptedAct({ OTP_CODE: ['fail'] }));
      expect(step).to.deep.include({ kind: 'failed', reason: 'no_winner', factor: 'code' });
    });
  });

  it('broken.yaml: every problem, in one run', () => {
    expect(problemsOf(fixture('broken'))).to.deep.equal([
      'flows.factors.push.policies[0].action: unknown action "PUSHH" (one of GATEWAY_PASSWORD, GATEWAY_PASSWORD_AT_REPLAY, LDAP_BIND, ANAKAM_DEVICE, ANAKAM_PASSCODE, PUSH, OTP_CODE, WEBAUTHN, NO_AUTHN)',
      'flows.factors.groupcheck.policies[0].next: unknown factor "pushh"',
      'flows.factors.groupcheck.policies[1].rule: unknown name "user.nmae" (known: client.ip, user.name, user.realm, user.groups, time.hour, time.minute, time.weekday, device.presented, device.accepted, providers.choice) at column 1',
      'flows.factors.groupcheck.policies[2].rule: unexpected end of rule: a condition or value is missing at column 19',
      'flows.factors.groupcheck.policies[2].next: unknown factor "constructor"',
      'flows.factors.groupcheck.policies[3].rule: unknown factor "nosuch" at column 8',
      'flows.factors.loop2.policies[0].next: "loop1" closes a cycle: loop1 → loop2 → loop1',
      'flows.factors.orphan: unreachable from the entry factor "password"',
      'flows.factors.groupcheck.policies[4]: reaches done without a second factor: password:GATEWAY_PASSWORD → groupcheck[4]:NO_AUTHN → done ' +
        '(add ANAKAM_DEVICE, ANAKAM_PASSCODE, PUSH, OTP_CODE, WEBAUTHN on this path, or set allowNoSecondFactor: true on one of its policies if that is intended)',
    ]);
  });
});
