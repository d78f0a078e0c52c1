import { expect } from 'chai';
import { otpConfigSchema } from '../../src/otp/otp_config.js';
import { totpFromConfig } from '../../src/otp/open_device_store.js';

describe('OTP configuration (src/otp/otp_config.ts)', () => {
  it('defaults to SHA1, 6 digits, 30 s, issuer factorgate, and an SQLite file', () => {
    const config = otpConfigSchema.parse({});
    expect(config).to.include({ issuer: 'factorgate', algorithm: 'SHA1', digits: 6, period: 30, maxDevices: 5, store: 'sqlite' });
    // not given, enabled is decided by the main schema: on when a login may use totp (test/config/load.test.ts)
    expect(config.enabled).to.equal(undefined);
    expect(config.ldap.attribute).to.equal('description');
    expect(totpFromConfig(config).settings).to.include({ issuer: 'factorgate', algorithm: 'SHA1', digits: 6, period: 30, secretBytes: 20 });
  });

  it('reports every missing LDAP setting at once, by its path', () => {
    const result = otpConfigSchema.safeParse({ enabled: true, store: 'ldap' });
    expect(result.success).to.equal(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).to.have.members(['ldap.url', 'ldap.bindDn', 'ldap.bindPassword', 'ldap.searchBase', 'ldap.searchFilter']);
  });

  it('checks the LDAP store when enabled is not given (the main schema may turn it on), not when it is false', () => {
    expect(otpConfigSchema.safeParse({ store: 'ldap' }).success).to.equal(false);
    expect(otpConfigSchema.safeParse({ enabled: false, store: 'ldap' }).success).to.equal(true);
  });

  it('accepts a DN template instead of a search, and checks its placeholder', () => {
    const base = { enabled: true, store: 'ldap', ldap: { url: 'ldaps://ldap.example.org', bindDn: 'cn=fg', bindPassword: 'pw' } };
    expect(otpConfigSchema.safeParse({ ...base, ldap: { ...base.ldap, userDnTemplate: 'uid={username},ou=people' } }).success).to.equal(true);
    expect(otpConfigSchema.safeParse({ ...base, ldap: { ...base.ldap, userDnTemplate: 'uid=x,ou=people' } }).success).to.equal(false);
    expect(otpConfigSchema.safeParse({ ...base, ldap: { ...base.ldap, searchBase: 'ou=people', searchFilter: '(uid=x)' } }).success).to.equal(false);
  });

  it('takes ldap.tls.startTls with an ldap:// URL (off by default), and refuses it with ldaps:// at that path', () => {
    const base = { enabled: true, store: 'ldap', ldap: { url: 'ldap://ldap.example.org', bindDn: 'cn=fg', bindPassword: 'pw', userDnTemplate: 'uid={username},ou=people' } };
    expect(otpConfigSchema.parse(base).ldap.tls).to.deep.equal({ rejectUnauthorized: true, startTls: false });
    expect(otpConfigSchema.parse({ ...base, ldap: { ...base.ldap, tls: { startTls: true } } }).ldap.tls.startTls).to.equal(true);
    const result = otpConfigSchema.safeParse({ ...base, ldap: { ...base.ldap, url: 'ldaps://ldap.example.org', tls: { startTls: true } } });
    expect(result.error!.issues.map((i) => [i.path.join('.'), i.message])).to.deep.equal([
      ['ldap.tls.startTls', 'only for ldap:// URLs: an ldaps:// URL is already TLS (set startTls to false, or use ldap://)'],
    ]);
  });

  it('refuses digits and periods outside what authenticators and RFC 4226 allow', () => {
    for (const bad of [{ digits: 5 }, { digits: 9 }, { period: 5 }, { algorithm: 'MD5' }, { issuer: 'a:b' }]) {
      expect(otpConfigSchema.safeParse(bad).success, JSON.stringify(bad)).to.equal(false);
    }
  });
});
