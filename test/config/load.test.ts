import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, settingsFromSchema } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';

// The seven variables an administrator needs for an environment-only deployment.
const SECRET = 'env-secret-0123456789-abcdefghijklmn';
const API_PASSWORD = 'api-password-from-env';
const minimalEnv = (): NodeJS.ProcessEnv => ({
  FACTORGATE_LISTEN_PORT: '8443',
  FACTORGATE_LISTEN_HOST: '0.0.0.0',
  FACTORGATE_GATEWAY_URL: 'https://gateway.example.test',
  FACTORGATE_ANAKAM_BASE_URL: 'http://tfa.example.test:8080',
  FACTORGATE_ANAKAM_API_USER: 'gw-api',
  FACTORGATE_ANAKAM_API_PASSWORD: API_PASSWORD,
  FACTORGATE_SECRET: SECRET,
});

/** The tfa section of a configuration that must have one. */
function tfaOf(config: Config) {
  if (!config.anakam.configured) expect.fail('the anakam section is missing');
  return config.anakam;
}

function without(env: NodeJS.ProcessEnv, ...names: string[]): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of names) delete copy[name];
  return copy;
}

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  expect.fail('configuration was accepted');
}

function messageOf(load: () => unknown): string {
  try {
    load();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  expect.fail('configuration was accepted');
}

describe('configuration loading (src/config/load.ts, schema.ts)', () => {
  let dir: string;
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'factorgate-config-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('from the environment only', () => {
    it('builds a configuration from exactly the seven documented variables', () => {
      const config = loadConfig({ env: minimalEnv() });
      expect(config.listen).to.deep.equal({ host: '0.0.0.0', port: 8443, workers: 1, keepAliveSeconds: 5 });
      expect(config.gateway.url).to.equal('https://gateway.example.test');
      expect(tfaOf(config).baseUrl).to.equal('http://tfa.example.test:8080');
      expect(tfaOf(config).apiUser).to.equal('gw-api');
      expect(tfaOf(config).apiPassword).to.equal(API_PASSWORD);
      expect(config.secret).to.equal(SECRET);
    });

    it('listens on 127.0.0.1 when FACTORGATE_LISTEN_HOST is not given', () => {
      const config = loadConfig({ env: without(minimalEnv(), 'FACTORGATE_LISTEN_HOST') });
      expect(config.listen.host).to.equal('127.0.0.1');
    });

    it('fills the documented defaults', () => {
      const config = loadConfig({ env: minimalEnv() });
      expect(tfaOf(config).profile.version).to.equal('5.5');
      expect(tfaOf(config).profile.tenant).to.equal('default');
      expect(tfaOf(config).registrationHours).to.equal(8);
      expect(tfaOf(config).timeoutMs).to.equal(5000);
      expect(config.gateway.timeoutMs).to.equal(5000);
      expect(config.login.lifetimeSeconds).to.equal(600);
      expect(tfaOf(config).passcodeValiditySeconds).to.equal(300);
      expect(config.gateway.loginTarget).to.equal('/cgi/login');
      expect(config.gateway.loginPage).to.equal('/vpn/index.html');
      expect(config.behindTls).to.equal(false);
      expect(config.previousSecrets).to.deep.equal([]);
    });

    it('ignores variables without the FACTORGATE_ prefix', () => {
      const config = loadConfig({ env: { ...minimalEnv(), TFA_TIMEOUT_MS: '999', LISTEN_PORT: '1' } });
      expect(tfaOf(config).timeoutMs).to.equal(5000);
      expect(config.listen.port).to.equal(8443);
    });

    it('reads a comma-separated list, trimming spaces and dropping empty items', () => {
      const config = loadConfig({ env: { ...minimalEnv(), FACTORGATE_TRUST_PROXY: ' 10.0.0.0/8, 192.168.1.1,,' } });
      expect(config.trustProxy).to.deep.equal(['10.0.0.0/8', '192.168.1.1']);
    });

    it('reads a list given as JSON', () => {
      const config = loadConfig({ env: { ...minimalEnv(), FACTORGATE_GATEWAY_GUARDED_PATHS: '["/cgi/login", "/cgi/logout"]' } });
      expect(config.gateway.guardedPaths).to.deep.equal(['/cgi/login', '/cgi/logout']);
    });

    it('reports a list that is broken JSON by its dotted path', () => {
      const problems = problemsOf(() => loadConfig({ env: { ...minimalEnv(), FACTORGATE_TRUST_PROXY: '["10.0.0.1"' } }));
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^trustProxy: /);
    });

    for (const [raw, expected] of [['true', true], ['YES', true], ['1', true], ['false', false], ['no', false], ['0', false]] as const) {
      it(`reads the boolean "${raw}" as ${expected}`, () => {
        const config = loadConfig({ env: { ...minimalEnv(), FACTORGATE_BEHIND_TLS: raw } });
        expect(config.behindTls).to.equal(expected);
      });
    }

    it('refuses a boolean that is neither true nor false', () => {
      const problems = problemsOf(() => loadConfig({ env: { ...minimalEnv(), FACTORGATE_BEHIND_TLS: 'maybe' } }));
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^behindTls: /);
    });

    it('reads numbers from the environment as numbers', () => {
      const config = loadConfig({ env: { ...minimalEnv(), FACTORGATE_ANAKAM_TIMEOUT_MS: '750', FACTORGATE_LOGIN_LIFETIME_SECONDS: '120' } });
      expect(tfaOf(config).timeoutMs).to.equal(750);
      expect(config.login.lifetimeSeconds).to.equal(120);
    });

    it('refuses a port that is not a number, naming listen.port', () => {
      const problems = problemsOf(() => loadConfig({ env: { ...minimalEnv(), FACTORGATE_LISTEN_PORT: 'eighty' } }));
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^listen\.port: /);
    });

    it('refuses an empty port instead of reading it as 0', () => {
      const problems = problemsOf(() => loadConfig({ env: { ...minimalEnv(), FACTORGATE_LISTEN_PORT: ' ' } }));
      expect(problems.join('\n')).to.match(/^listen\.port: /m);
    });
  });

  describe('*_FILE variables', () => {
    it('reads the secret and the API password from files, trimming the trailing newline', () => {
      const secretFile = file('secret', `${SECRET}-from-file\n`);
      const passwordFile = file('api-password', 'pw-from-file\r\n');
      const env = without(minimalEnv(), 'FACTORGATE_SECRET', 'FACTORGATE_ANAKAM_API_PASSWORD');
      const config = loadConfig({ env: { ...env, FACTORGATE_SECRET_FILE: secretFile, FACTORGATE_ANAKAM_API_PASSWORD_FILE: passwordFile } });
      expect(config.secret).to.equal(`${SECRET}-from-file`);
      expect(tfaOf(config).apiPassword).to.equal('pw-from-file');
    });

    it('keeps spaces and inner newlines of a file value; only the final newline goes', () => {
      const passwordFile = file('api-password-spaces', ' two\nlines \n');
      const env = without(minimalEnv(), 'FACTORGATE_ANAKAM_API_PASSWORD');
      const config = loadConfig({ env: { ...env, FACTORGATE_ANAKAM_API_PASSWORD_FILE: passwordFile } });
      expect(tfaOf(config).apiPassword).to.equal(' two\nlines ');
    });

    it('reports an unreadable _FILE by its dotted path, its variable and the reason', () => {
      const env = without(minimalEnv(), 'FACTORGATE_SECRET');
      const problems = problemsOf(() => loadConfig({ env: { ...env, FACTORGATE_SECRET_FILE: join(dir, 'no-such-file') } }));
      expect(problems[0]).to.match(/^secret: cannot read FACTORGATE_SECRET_FILE \(ENOENT\)/);
      expect(problems.every((p) => p.startsWith('secret: '))).to.equal(true);
    });

    it('reports a _FILE that is a directory', () => {
      const env = without(minimalEnv(), 'FACTORGATE_ANAKAM_API_PASSWORD');
      const problems = problemsOf(() => loadConfig({ env: { ...env, FACTORGATE_ANAKAM_API_PASSWORD_FILE: dir } }));
      expect(problems[0]).to.match(/^anakam\.apiPassword: cannot read FACTORGATE_ANAKAM_API_PASSWORD_FILE/);
    });
  });

  describe('from a YAML file', () => {
    it('loads settings from the file and fills the rest with defaults', () => {
      const path = file('full.yaml', [
        'listen: { port: 9443 }',
        `secret: ${SECRET}`,
        'gateway:',
        '  url: http://gw.yaml.test',
        '  sessionCookie: GW_SESSION',
        'tfa:',
        '  baseUrl: http://tfa.yaml.test',
        '  apiUser: yaml-user',
        '  apiPassword: yaml-password',
        '  profile: { tenant: acme }',
        '',
      ].join('\n'));
      const config = loadConfig({ file: path, env: {} });
      expect(config.listen).to.deep.equal({ host: '127.0.0.1', port: 9443, workers: 1, keepAliveSeconds: 5 });
      expect(config.gateway.url).to.equal('http://gw.yaml.test');
      expect(config.gateway.sessionCookie).to.equal('GW_SESSION');
      expect(tfaOf(config).apiUser).to.equal('yaml-user');
      expect(tfaOf(config).profile.tenant).to.equal('acme');
      expect(tfaOf(config).profile.version).to.equal('5.5');
    });

    it('lets the environment override the file, setting by setting', () => {
      const path = file('override.yaml', [
        'listen: { host: 10.1.1.1, port: 9443 }',
        'gateway: { url: http://gw.yaml.test }',
        'tfa: { baseUrl: http://tfa.yaml.test, apiUser: yaml-user, apiPassword: yaml-password, timeoutMs: 2000 }',
        '',
      ].join('\n'));
      const config = loadConfig({ file: path, env: { FACTORGATE_SECRET: SECRET, FACTORGATE_ANAKAM_API_USER: 'env-user', FACTORGATE_LISTEN_PORT: '7000' } });
      expect(tfaOf(config).apiUser).to.equal('env-user');
      expect(config.listen.port).to.equal(7000);
      // siblings the environment did not name stay as the file says
      expect(config.listen.host).to.equal('10.1.1.1');
      expect(tfaOf(config).apiPassword).to.equal('yaml-password');
      expect(tfaOf(config).timeoutMs).to.equal(2000);
    });

    it('treats an empty file as no settings', () => {
      const config = loadConfig({ file: file('empty.yaml', ''), env: minimalEnv() });
      expect(config.listen.port).to.equal(8443);
    });

    it('reports invalid YAML without echoing the broken line', () => {
      const secret = 'yaml-secret-that-must-not-leak-0123456789';
      const path = file('broken.yaml', `gateway:\n  url: http://gw.test\nsecret: "${secret}\n  - [unclosed\n`);
      const problems = problemsOf(() => loadConfig({ file: path, env: {} }));
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include('is not valid YAML');
      expect(problems.join('\n')).not.to.include(secret);
    });

    it('refuses a file that holds a list instead of a mapping', () => {
      const problems = problemsOf(() => loadConfig({ file: file('list.yaml', '- a\n- b\n'), env: minimalEnv() }));
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include('must hold a mapping');
    });

    it('reports a missing config file', () => {
      const problems = problemsOf(() => loadConfig({ file: join(dir, 'absent.yaml'), env: minimalEnv() }));
      expect(problems[0]).to.match(/cannot read config file .*absent\.yaml \(ENOENT\)/);
    });

    it('loads fixtures/factorgate.example.yaml once the secrets come from the environment', () => {
      const example = new URL('../../fixtures/factorgate.example.yaml', import.meta.url).pathname;
      const config = loadConfig({ file: example, env: { FACTORGATE_SECRET: SECRET, FACTORGATE_ANAKAM_API_PASSWORD: API_PASSWORD } });
      expect(config.secret).to.equal(SECRET);
      expect(tfaOf(config).apiPassword).to.equal(API_PASSWORD);
      expect(config.gateway.loginTarget).to.equal('/cgi/login');
      expect(tfaOf(config).profile.version).to.equal('5.5');
    });
  });

  describe('errors', () => {
    it('reports every problem at once, each under its dotted path', () => {
      const problems = problemsOf(() => loadConfig({
        env: {
          FACTORGATE_LISTEN_PORT: '70000',
          FACTORGATE_GATEWAY_URL: 'http://gw.test',
          FACTORGATE_ANAKAM_BASE_URL: 'ftp://tfa.test',
          FACTORGATE_ANAKAM_API_PASSWORD: 'x',
          FACTORGATE_ANAKAM_METHOD: 'PIGEON',
          FACTORGATE_SECRET: SECRET,
        },
      }));
      const paths = problems.map((p) => p.slice(0, p.indexOf(':'))).sort();
      expect(paths).to.deep.equal(['anakam.apiUser', 'anakam.baseUrl', 'anakam.method', 'listen.port']);
    });

    it('reports problems from the environment and from the schema together', () => {
      const env = without(minimalEnv(), 'FACTORGATE_SECRET', 'FACTORGATE_GATEWAY_URL');
      const problems = problemsOf(() => loadConfig({ env: { ...env, FACTORGATE_SECRET_FILE: join(dir, 'missing-secret'), FACTORGATE_TRUST_PROXY: '[' } }));
      const paths = problems.map((p) => p.slice(0, p.indexOf(':'))).sort();
      expect(paths).to.include.members(['gateway.url', 'secret', 'trustProxy']);
      expect(problems.some((p) => p.startsWith('secret: cannot read FACTORGATE_SECRET_FILE'))).to.equal(true);
    });

    it('lists every problem in the error message too', () => {
      const env = without(minimalEnv(), 'FACTORGATE_ANAKAM_BASE_URL');
      const message = messageOf(() => loadConfig({ env: { ...env, FACTORGATE_LISTEN_PORT: '-1' } }));
      expect(message).to.match(/^invalid configuration:/);
      expect(message).to.include('anakam.baseUrl:');
      expect(message).to.include('listen.port:');
    });

    it('refuses a gateway URL that is not http or https', () => {
      const problems = problemsOf(() => loadConfig({ env: { ...minimalEnv(), FACTORGATE_GATEWAY_URL: 'javascript:alert(1)' } }));
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^gateway\.url: /);
    });

    it('refuses a gateway session cookie named as one of factorgate\'s own cookies, and takes the name once factorgate\'s is another', () => {
      const problems = problemsOf(() => loadConfig({ env: { ...minimalEnv(), FACTORGATE_GATEWAY_SESSION_COOKIE: 'authkey' } }));
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^gateway\.sessionCookie: must not be one of factorgate's own cookie names \(authkey, DeviceKey, fg_csrf, /);
      expect(problemsOf(() => loadConfig({ env: { ...minimalEnv(), FACTORGATE_GATEWAY_SESSION_COOKIE: 'fg_admin' } }))).to.have.length(1);
      const config = loadConfig({ env: { ...minimalEnv(), FACTORGATE_GATEWAY_SESSION_COOKIE: 'authkey', FACTORGATE_COOKIES_HANDLE_NAME: 'fg_handle' } });
      expect(config.gateway.sessionCookie).to.equal('authkey');
    });

    it('refuses a secret shorter than 32 characters without showing it', () => {
      const shortSecret = 'hunter2-short-secret';
      const message = messageOf(() => loadConfig({ env: { ...minimalEnv(), FACTORGATE_SECRET: shortSecret } }));
      expect(message).to.include('secret: must be at least 32 characters');
      expect(message).not.to.include(shortSecret);
    });

    it('never shows a given secret value in any problem', () => {
      const secrets = {
        secret: 'short-secret-from-file',
        previous: 'old-but-too-short',
        header: 'hdr-short',
        apiPassword: 'api-password-value-9',
      };
      const secretFile = file('short-secret', `${secrets.secret}\n`);
      const env = without(minimalEnv(), 'FACTORGATE_SECRET');
      const message = messageOf(() => loadConfig({
        env: {
          ...env,
          FACTORGATE_SECRET_FILE: secretFile,
          FACTORGATE_PREVIOUS_SECRETS: secrets.previous,
          FACTORGATE_GATEWAY_SECRET_HEADER_VALUE: secrets.header,
          FACTORGATE_ANAKAM_API_PASSWORD: secrets.apiPassword,
          FACTORGATE_ANAKAM_BASE_URL: 'not a url',
        },
      }));
      // the problems were reported...
      expect(message).to.include('secret:');
      expect(message).to.include('previousSecrets.0:');
      expect(message).to.include('gateway.secretHeader.value:');
      // ...but none of the values
      for (const value of Object.values(secrets)) expect(message).not.to.include(value);
    });

    it('never shows a secret given in a YAML file with the wrong type', () => {
      const path = file('typed-secret.yaml', 'secret: [ "list-held-secret-0123456789-abcdefghijkl" ]\n');
      const message = messageOf(() => loadConfig({ file: path, env: without(minimalEnv(), 'FACTORGATE_SECRET') }));
      expect(message).to.match(/^\s*secret: /m);
      expect(message).not.to.include('list-held-secret');
    });
  });

  describe('the anakam section under its older name, tfa', () => {
    const renamed = (env: NodeJS.ProcessEnv) => Object.fromEntries(Object.entries(env).map(([k, v]) => [k.replace('FACTORGATE_ANAKAM_', 'FACTORGATE_TFA_'), v]));

    it('reads FACTORGATE_TFA_* variables, _FILE ones included, as the anakam section', () => {
      const dir = mkdtempSync(join(tmpdir(), 'fg-tfa-'));
      writeFileSync(join(dir, 'pw'), 'from-the-old-file\n');
      const env = without(renamed(minimalEnv()), 'FACTORGATE_TFA_API_PASSWORD');
      const config = loadConfig({ env: { ...env, FACTORGATE_TFA_API_PASSWORD_FILE: join(dir, 'pw') } });
      expect(config.anakam).to.include({ configured: true, baseUrl: 'http://tfa.example.test:8080', apiUser: 'gw-api', apiPassword: 'from-the-old-file' });
      rmSync(dir, { recursive: true, force: true });
    });

    it('refuses a setting given under both names, naming both variables', () => {
      const problems = problemsOf(() => loadConfig({ env: { ...minimalEnv(), FACTORGATE_TFA_API_USER: 'other' } }));
      expect(problems).to.deep.equal(['anakam.apiUser: set by both FACTORGATE_ANAKAM_API_USER and its older name FACTORGATE_TFA_API_USER; keep one']);
    });

    it('refuses a file with both sections', () => {
      const path = file('both.yaml', 'tfa:\n  apiUser: a\nanakam:\n  apiUser: b\n');
      expect(problemsOf(() => loadConfig({ file: path, env: minimalEnv() }))).to.deep.equal(['tfa: is the older name of anakam; give one of the two sections']);
    });
  });

  describe('without an anakam section (TOTP is the default second factor)', () => {
    const totpOnlyEnv = (): NodeJS.ProcessEnv => without(minimalEnv(), 'FACTORGATE_ANAKAM_BASE_URL', 'FACTORGATE_ANAKAM_API_USER', 'FACTORGATE_ANAKAM_API_PASSWORD');

    it('loads with no anakam.* key at all, and defaults the second factor to totp with otp on', () => {
      const config = loadConfig({ env: totpOnlyEnv() });
      expect(config.anakam.configured).to.equal(false);
      expect(config.providers.default).to.equal('totp');
      expect(config.otp.enabled).to.equal(true);
      expect(config.otp.store).to.equal('sqlite');
      expect(config.otp.sqlite.path).to.equal('/var/lib/factorgate/otp-devices.sqlite');
    });

    it('keeps the default callout timeout the login lock is sized from', () => {
      expect(loadConfig({ env: totpOnlyEnv() }).anakam.timeoutMs).to.equal(5000);
    });

    it('keeps anakam as the default, and otp off, when a tfa section is given', () => {
      const config = loadConfig({ env: minimalEnv() });
      expect(config.anakam.configured).to.equal(true);
      expect(config.providers.default).to.equal('anakam');
      expect(config.otp.enabled).to.equal(false);
    });

    it('counts the section as given when any one anakam.* variable is set, and then wants its required keys', () => {
      const problems = problemsOf(() => loadConfig({ env: { ...totpOnlyEnv(), FACTORGATE_ANAKAM_TIMEOUT_MS: '750' } }));
      expect(problems).to.deep.equal([
        'anakam.baseUrl: required (set it in the config file or FACTORGATE_ANAKAM_BASE_URL)',
        'anakam.apiUser: required (set it in the config file or FACTORGATE_ANAKAM_API_USER)',
        'anakam.apiPassword: required (set it in the config file or FACTORGATE_ANAKAM_API_PASSWORD)',
      ]);
    });

    it('counts a tfa section in the file as given, and reports its missing keys by dotted path', () => {
      const path = file('partial-tfa.yaml', 'tfa:\n  apiUser: yaml-user\n');
      const problems = problemsOf(() => loadConfig({ file: path, env: totpOnlyEnv() }));
      expect(problems.map((p) => p.slice(0, p.indexOf(':')))).to.deep.equal(['anakam.baseUrl', 'anakam.apiPassword']);
    });

    it('refuses anakam as the default without a tfa section, at providers.default', () => {
      const problems = problemsOf(() => loadConfig({ env: { ...totpOnlyEnv(), FACTORGATE_PROVIDERS_DEFAULT: 'anakam' } }));
      expect(problems).to.deep.equal(['providers.default: anakam needs the anakam section (anakam.baseUrl, anakam.apiUser, anakam.apiPassword)']);
    });

    it('refuses a policy that uses anakam without a tfa section, at its own dotted path', () => {
      const policies = JSON.stringify([{ users: ['admin-*'], use: 'totp' }, { subnets: ['10.0.0.0/8'], use: 'anakam' }]);
      const problems = problemsOf(() => loadConfig({ env: { ...totpOnlyEnv(), FACTORGATE_PROVIDERS_POLICIES: policies } }));
      expect(problems).to.deep.equal(['providers.policies.1.use: anakam needs the anakam section (anakam.baseUrl, anakam.apiUser, anakam.apiPassword)']);
    });

    it('refuses a configuration with neither a tfa section nor otp, saying there is no second factor', () => {
      const problems = problemsOf(() => loadConfig({ env: { ...totpOnlyEnv(), FACTORGATE_OTP_ENABLED: 'false' } }));
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^otp\.enabled: no second factor is configured: without an anakam section logins use totp/);
    });

    it('reports an unusable otp store by its dotted paths when totp is the default', () => {
      const problems = problemsOf(() => loadConfig({ env: { ...totpOnlyEnv(), FACTORGATE_OTP_STORE: 'ldap' } }));
      expect(problems.map((p) => p.slice(0, p.indexOf(':')))).to.include.members(['otp.ldap.url', 'otp.ldap.bindDn', 'otp.ldap.bindPassword']);
    });

    it('runs on a push server alone, without otp, when that is the default', () => {
      const config = loadConfig({ env: { ...totpOnlyEnv(), FACTORGATE_PROVIDERS_DEFAULT: 'push', FACTORGATE_LINOTP_URLS: 'https://linotp.example.test' } });
      expect(config.providers.default).to.equal('push');
      expect(config.otp.enabled).to.equal(false);
    });

    it('turns otp on for a policy that uses totp when otp.enabled is not given, and not when it is false', () => {
      const policies = JSON.stringify([{ users: ['admin-*'], use: 'totp' }]);
      expect(loadConfig({ env: { ...minimalEnv(), FACTORGATE_PROVIDERS_POLICIES: policies } }).otp.enabled).to.equal(true);
      const problems = problemsOf(() => loadConfig({ env: { ...minimalEnv(), FACTORGATE_PROVIDERS_POLICIES: policies, FACTORGATE_OTP_ENABLED: 'false' } }));
      expect(problems).to.deep.equal(['otp.enabled: must be true when a provider policy uses totp']);
    });
  });

  describe('settingsFromSchema()', () => {
    const byPath = () => new Map(settingsFromSchema().map((leaf) => [leaf.path.join('.'), leaf]));

    it('names each setting\'s variable in upper snake case after FACTORGATE_', () => {
      const settings = byPath();
      expect(settings.get('anakam.baseUrl')?.envName).to.equal('FACTORGATE_ANAKAM_BASE_URL');
      expect(settings.get('anakam.apiPassword')?.envName).to.equal('FACTORGATE_ANAKAM_API_PASSWORD');
      expect(settings.get('listen.port')?.envName).to.equal('FACTORGATE_LISTEN_PORT');
      expect(settings.get('secret')?.envName).to.equal('FACTORGATE_SECRET');
      expect(settings.get('gateway.secretHeader.value')?.envName).to.equal('FACTORGATE_GATEWAY_SECRET_HEADER_VALUE');
      expect(settings.get('anakam.profile.version')?.envName).to.equal('FACTORGATE_ANAKAM_PROFILE_VERSION');
    });

    it('gives each setting the type its variable is read as', () => {
      const settings = byPath();
      expect(settings.get('listen.port')?.type).to.equal('integer');
      expect(settings.get('behindTls')?.type).to.equal('boolean');
      expect(settings.get('trustProxy')?.type).to.equal('array');
      expect(settings.get('anakam.baseUrl')?.type).to.equal('string');
    });

    it('lists only leaves, each variable once', () => {
      const settings = settingsFromSchema();
      const names = settings.map((leaf) => leaf.envName);
      expect(new Set(names).size).to.equal(names.length);
      expect(names).not.to.include('FACTORGATE_TFA');
      expect(names).not.to.include('FACTORGATE_LISTEN');
    });
  });
});

describe('configuration loading: a missing setting names its variable', () => {
  it('says which variable to set for a missing required setting', () => {
    try {
      loadConfig({ env: {} });
      expect.fail('loadConfig should have thrown');
    } catch (err) {
      expect((err as ConfigError).problems).to.include('gateway.url: required (set it in the config file or FACTORGATE_GATEWAY_URL)');
      expect((err as ConfigError).problems).to.include('secret: required (set it in the config file or FACTORGATE_SECRET)');
    }
  });
});
