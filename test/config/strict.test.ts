import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load.js';

// A key or variable that sets nothing is refused, with the nearest known name: a typo must not
// leave a default in force without a word.
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  FACTORGATE_GATEWAY_URL: 'https://gateway.example.test',
  FACTORGATE_SECRET: 'strict-secret-0123456789-abcdefghijk',
  ...extra,
});

function problemsOf(options: Parameters<typeof loadConfig>[0]): string[] {
  try {
    loadConfig(options);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return expect.fail('configuration was accepted');
}

describe('configuration: unknown keys and variables are refused', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'fg-strict-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (text: string) => {
    const path = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(path, text);
    return path;
  };

  it('a misspelt key in the file, with the nearest known name', () => {
    expect(problemsOf({ file: file('listen:\n  hots: 0.0.0.0\n'), env: env() })).to.deep.equal(['listen.hots: unknown setting; did you mean listen.host?']);
  });

  it('a key in the wrong section, with where it belongs', () => {
    expect(problemsOf({ file: file('host: 0.0.0.0\n'), env: env() })).to.deep.equal(['host: unknown setting; did you mean listen.host?']);
  });

  it('in every section, those other modules define included, and in list items', () => {
    const problems = problemsOf({ file: file('otp:\n  sqlite:\n    pth: /x\nproviders:\n  policies:\n    - usres: [a]\n      use: totp\n'), env: env() });
    expect(problems).to.deep.equal([
      'otp.sqlite.pth: unknown setting; did you mean otp.sqlite.path?',
      'providers.policies.0.usres: unknown setting; did you mean providers.policies.0.users?',
    ]);
  });

  it('a key like nothing known says where the list of settings is', () => {
    expect(problemsOf({ file: file('zzqqxx: 1\n'), env: env() })).to.deep.equal(['zzqqxx: unknown setting (docs/configuration.md lists every setting)']);
  });

  it('names given by the user (the factors of a flow) are not settings and pass', () => {
    const flow = 'flows:\n  entry: my-first\n  factors:\n    my-first:\n      policies:\n        - rule: true\n          action: GATEWAY_PASSWORD\n          next: my-code\n    my-code:\n      policies:\n        - rule: true\n          action: OTP_CODE\n';
    expect(loadConfig({ file: file(flow), env: env() }).flows?.entry).to.equal('my-first');
  });

  it('keys of the tfa section are held to the anakam section\'s names', () => {
    const problems = problemsOf({ file: file('tfa:\n  baseUrl: http://tfa.test\n  apiUser: u\n  apiPassword: p\n  timeoutMS: 100\n'), env: env() });
    expect(problems).to.deep.equal(['anakam.timeoutMS: unknown setting; did you mean anakam.timeoutMs?']);
  });

  it('an unknown FACTORGATE_* variable, _FILE ones too, with the nearest known variable and its setting', () => {
    const problems = problemsOf({ env: env({ FACTORGATE_LISTEN_PROT: '1', FACTORGATE_SECERT_FILE: '/run/secrets/fg', FACTORGATE_NOTHING_LIKE_IT: 'x' }) });
    expect(problems).to.deep.equal([
      'FACTORGATE_LISTEN_PROT: unknown variable; did you mean FACTORGATE_LISTEN_PORT (listen.port)?',
      'FACTORGATE_SECERT_FILE: unknown variable; did you mean FACTORGATE_SECRET_FILE (secret)?',
      'FACTORGATE_NOTHING_LIKE_IT: unknown variable (docs/configuration.md lists every variable)',
    ]);
  });

  it('every known variable, its _FILE form and the older FACTORGATE_TFA_* names are accepted', () => {
    const config = loadConfig({ env: env({ FACTORGATE_TFA_BASE_URL: 'http://tfa.test', FACTORGATE_TFA_API_USER: 'u', FACTORGATE_TFA_API_PASSWORD: 'p', FACTORGATE_LDAP_TLS_CA_FILE: '/x' }) });
    expect(config.anakam.configured).to.equal(true);
  });

  it('reports unknown names together with every other problem', () => {
    const problems = problemsOf({ file: file('listen:\n  hots: x\n'), env: { FACTORGATE_LISTEN_PROT: '1' } });
    expect(problems).to.include.members(['listen.hots: unknown setting; did you mean listen.host?', 'gateway.url: required (set it in the config file or FACTORGATE_GATEWAY_URL)']);
    expect(problems.some((p) => p.startsWith('FACTORGATE_LISTEN_PROT'))).to.equal(true);
  });
});
