import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config/load.js';

// The webauthn section (src/providers/webauthn/config.ts) and what it needs of the rest: a device
// store that holds passkeys, an RP ID and the origins every assertion is checked against.

const site: NodeJS.ProcessEnv = { FACTORGATE_GATEWAY_URL: 'https://gateway.example.test', FACTORGATE_SECRET: 'webauthn-secret-0123456789-abcdefghijk' };
const keys = { rpId: 'vpn.example.org', origins: ['https://vpn.example.org'] };
const flows = {
  entry: 'password',
  factors: {
    password: { policies: [{ rule: 'true', action: 'GATEWAY_PASSWORD', next: 'second' }] },
    second: { policies: [{ rule: 'true', action: 'WEBAUTHN' }, { rule: 'true', action: 'OTP_CODE' }] },
  },
};

function problemsOf(overrides: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    loadConfig({ env: { ...site, ...env }, overrides });
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return expect.fail('configuration was accepted');
}

describe('configuration: webauthn', () => {
  it('is off by default, and on (with preferred user verification and attestation none) when a flow uses WEBAUTHN', () => {
    expect(loadConfig({ env: site }).webauthn).to.include({ enabled: false });
    const config = loadConfig({ env: site, overrides: { flows, webauthn: keys } });
    expect(config.webauthn).to.deep.include({ enabled: true, rpId: 'vpn.example.org', userVerification: 'preferred', allowedAaguids: [] });
  });

  it('refuses the LDAP store, naming otp.store and why, since it cannot hold passkeys', () => {
    const ldap = { FACTORGATE_OTP_STORE: 'ldap', FACTORGATE_OTP_LDAP_URL: 'ldaps://ldap.example.test', FACTORGATE_OTP_LDAP_BIND_DN: 'cn=fg', FACTORGATE_OTP_LDAP_BIND_PASSWORD: 'x', FACTORGATE_OTP_LDAP_USER_DN_TEMPLATE: 'uid={username},dc=example' };
    const problems = problemsOf({ flows, webauthn: keys }, ldap);
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^otp\.store: is ldap, which cannot hold passkeys \(a credential must belong to one user, .*\): webauthn needs otp\.store sqlite or postgres/);
  });

  it('takes the PostgreSQL store, which holds passkeys beside the authenticator apps', () => {
    const postgres = { FACTORGATE_OTP_STORE: 'postgres', FACTORGATE_OTP_POSTGRES_HOST: 'db.example.test', FACTORGATE_OTP_POSTGRES_DATABASE: 'factorgate', FACTORGATE_OTP_POSTGRES_USER: 'factorgate' };
    const config = loadConfig({ env: { ...site, ...postgres }, overrides: { flows, webauthn: keys } });
    expect(config.otp.store).to.equal('postgres');
    expect(config.webauthn.enabled).to.equal(true);
  });

  it('needs rpId and origins, and refuses an origin outside the RP ID or with a path, and plain http off localhost', () => {
    expect(problemsOf({ flows })).to.deep.equal(['webauthn.rpId: required when a flow uses WEBAUTHN', 'webauthn.origins: required when a flow uses WEBAUTHN']);
    expect(problemsOf({ webauthn: { enabled: true } }).join('\n')).to.include('webauthn.rpId: required when webauthn is enabled');
    expect(problemsOf({ flows, webauthn: { rpId: 'example.org', origins: ['https://vpn.example.org', 'https://evil.example.net'] } }))
      .to.deep.equal(['webauthn.origins.1: its host is not example.org or under it (webauthn.rpId): no browser would make a passkey of that RP ID there']);
    const bad = problemsOf({ flows, webauthn: { rpId: 'example.org', origins: ['https://vpn.example.org/login', 'http://vpn.example.org'] } });
    expect(bad).to.have.length(2);
    expect(bad[0]).to.match(/^webauthn\.origins\.0: must be an origin/);
    expect(bad[1]).to.match(/^webauthn\.origins\.1: must be an origin/);
    expect(loadConfig({ env: site, overrides: { flows, webauthn: { rpId: 'localhost', origins: ['http://localhost:8443'] } } }).webauthn.origins).to.deep.equal(['http://localhost:8443']);
  });

  it('refuses WEBAUTHN in a flow when webauthn is turned off, and webauthn without otp', () => {
    expect(problemsOf({ flows, webauthn: { ...keys, enabled: false } }).join('\n')).to.include('WEBAUTHN needs webauthn.enabled: true');
    expect(problemsOf({ webauthn: { ...keys, enabled: true }, otp: { enabled: false } }).join('\n')).to.include('otp.enabled: must be true when webauthn is enabled');
  });
});
