import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { checkFlows, defaultFlow, flowsSchema, loginFlowOf, pathLabel, paths } from '../../src/flows/index.js';
import { testConfig } from '../helpers/config.js';

// The flow factorgate runs without a flows section: built from ldap and providers.

const labels = (input: unknown) => {
  const checked = checkFlows(input);
  if (!checked.ok) throw new Error(checked.problems.join('\n'));
  return paths(checked.flow).map((p) => pathLabel(checked.flow, p));
};

describe('the default flow (src/flows/default_flow.ts)', () => {
  it('with Anakam alone it is fixtures/flows/default.yaml', () => {
    const example = (parseYaml(readFileSync(new URL('../../fixtures/flows/default.yaml', import.meta.url), 'utf8')) as { flows: unknown }).flows;
    expect(flowsSchema.parse(defaultFlow({ ldap: false, providers: { default: 'anakam', policies: [] } }))).to.deep.equal(flowsSchema.parse(example));
  });

  it('with ldap on, the entry binds instead of leaving the password to the gateway', () => {
    expect(labels(defaultFlow({ ldap: true, providers: { default: 'anakam', policies: [] } }))).to.deep.equal([
      'password:LDAP_BIND → second:ANAKAM_DEVICE → done',
      'password:LDAP_BIND → second:ANAKAM_PASSCODE → done',
    ]);
  });

  it('several providers branch on providers.choice, so a failing one does not fall through to another', () => {
    const flow = defaultFlow({ ldap: false, providers: { default: 'anakam', policies: [{ use: 'push_with_code' }, { use: 'totp' }] } });
    const second = flow.factors.second!.policies;
    expect(second.map((p) => [p.rule, p.action, p.allowCode ?? false])).to.deep.equal([
      ['providers.choice == \'anakam\' and device.accepted', 'ANAKAM_DEVICE', false],
      ['providers.choice == \'anakam\'', 'ANAKAM_PASSCODE', false],
      ['providers.choice == \'push_with_code\'', 'PUSH', true],
      ['providers.choice == \'totp\'', 'OTP_CODE', false],
    ]);
    expect(checkFlows(flow).ok).to.equal(true);
  });

  it('one provider other than Anakam needs no condition', () => {
    expect(defaultFlow({ ldap: false, providers: { default: 'push', policies: [] } }).factors.second!.policies).to.deep.equal([{ rule: 'true', action: 'PUSH' }]);
  });

  it('loginFlowOf takes the configured flow when there is one, else builds the default from the configuration', () => {
    const configured = testConfig('http://127.0.0.1:1', { flows: { entry: 'a', factors: { a: { policies: [{ rule: true, action: 'GATEWAY_PASSWORD', next: 'b' }] }, b: { policies: [{ rule: true, action: 'ANAKAM_PASSCODE' }] } } } });
    expect(loginFlowOf(configured).entry).to.equal('a');
    const built = loginFlowOf(testConfig('http://127.0.0.1:1', { providers: { default: 'anakam', policies: [{ users: ['admin-*'], use: 'totp' }] }, otp: { enabled: true } }));
    expect([...built.factors.keys()]).to.deep.equal(['password', 'second']);
    expect(built.factors.get('second')!.policies.map((p) => p.action)).to.deep.equal(['ANAKAM_DEVICE', 'ANAKAM_PASSCODE', 'OTP_CODE']);
  });
});
