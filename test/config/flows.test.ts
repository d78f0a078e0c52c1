import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, settingsFromSchema } from '../../src/config/load.js';

// The flows section inside factorgate's configuration: checked with the rest, all problems at once.

const env = (): NodeJS.ProcessEnv => ({
  FACTORGATE_GATEWAY_URL: 'https://gateway.example.test',
  FACTORGATE_ANAKAM_BASE_URL: 'http://tfa.example.test:8080',
  FACTORGATE_ANAKAM_API_USER: 'gw-api',
  FACTORGATE_ANAKAM_API_PASSWORD: 'api-password-from-env',
  FACTORGATE_SECRET: 'env-secret-0123456789-abcdefghijklmn',
});

function problemsOf(flows: unknown, overrides: Record<string, unknown> = {}): string[] {
  try {
    loadConfig({ env: env(), overrides: { flows, ...overrides } });
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return [];
}

const flowUsing = (...actions: string[]) => ({
  entry: 'password',
  factors: {
    password: { policies: [{ rule: true, action: 'GATEWAY_PASSWORD', next: 'second' }] },
    second: { policies: actions.map((action) => ({ rule: true, action })) },
  },
});

describe('configuration: the flows section', () => {
  it('a good flow loads, compiled rules and all', () => {
    expect(problemsOf(flowUsing('ANAKAM_PASSCODE'))).to.deep.equal([]);
  });

  it('each action needs the section of its authenticator, reported at the action\'s dotted path', () => {
    expect(problemsOf(flowUsing('PUSH', 'OTP_CODE', 'LDAP_BIND'), { otp: { enabled: false } })).to.include.members([
      'flows.factors.second.policies.0.action: PUSH needs the linotp section',
      'flows.factors.second.policies.1.action: OTP_CODE needs otp.enabled: true',
      'flows.factors.second.policies.2.action: LDAP_BIND needs the ldap section (ldap.enabled: true)',
    ]);
    expect(problemsOf(flowUsing('PUSH'), { linotp: { urls: ['http://linotp.example.test'] } })).to.deep.equal([]);
  });

  it('a flow with OTP_CODE turns factorgate\'s own codes on when otp.enabled is not given', () => {
    const config = loadConfig({ env: env(), overrides: { flows: flowUsing('OTP_CODE'), otp: { sqlite: { path: '/tmp/fg-never-opened.sqlite' } } } });
    expect(config.otp.enabled).to.equal(true);
  });

  it('ANAKAM actions need the tfa section', () => {
    const withoutTfa = Object.fromEntries(Object.entries(env()).filter(([name]) => !name.startsWith('FACTORGATE_ANAKAM_')));
    let problems: string[] = [];
    try {
      loadConfig({ env: withoutTfa, overrides: { flows: flowUsing('ANAKAM_DEVICE', 'ANAKAM_PASSCODE') } });
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems).to.include.members([
      'flows.factors.second.policies.0.action: ANAKAM_DEVICE and ANAKAM_PASSCODE need the anakam section (anakam.baseUrl, anakam.apiUser, anakam.apiPassword)',
      'flows.factors.second.policies.1.action: ANAKAM_DEVICE and ANAKAM_PASSCODE need the anakam section (anakam.baseUrl, anakam.apiUser, anakam.apiPassword)',
    ]);
  });

  it('graph problems come with everything else wrong in the file, in one go', () => {
    const problems = problemsOf({ entry: 'nosuch', factors: { a: { policies: [{ rule: 'user.nmae == \'x\'', action: 'NO_AUTHN' }] } } }, { gateway: { url: 'not a url' } });
    expect(problems.some((p) => p.startsWith('gateway.url'))).to.equal(true);
    expect(problems.some((p) => p.startsWith('flows.entry: unknown factor "nosuch"'))).to.equal(true);
    expect(problems.some((p) => p.startsWith('flows.factors.a.policies.0.rule: unknown name "user.nmae"'))).to.equal(true);
  });

  it('a flow comes from the configuration file, never from environment variables', () => {
    expect(settingsFromSchema().filter((s) => s.path[0] === 'flows')).to.deep.equal([]);
    const dir = mkdtempSync(join(tmpdir(), 'fg-flows-'));
    try {
      const file = join(dir, 'factorgate.yaml');
      writeFileSync(file, 'flows:\n  entry: password\n  factors:\n    password:\n      policies:\n        - rule: true\n          action: GATEWAY_PASSWORD\n          next: second\n    second:\n      policies:\n        - rule: true\n          action: ANAKAM_PASSCODE\n');
      const config = loadConfig({ file, env: { ...env(), FACTORGATE_FLOWS_ENTRY: 'second' } });
      expect(config.flows?.entry).to.equal('password');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
