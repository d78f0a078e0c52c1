import { expect } from 'chai';
import { isLoopbackHost, warnLdapCleartext } from '../../src/ldap/tls.js';
import { testConfig } from '../helpers/config.js';
import { captureLogs } from '../helpers/log_capture.js';

// The start-up warning (src/factorgate.ts calls warnLdapCleartext): from the configuration alone,
// nothing connects to a directory.

const template = 'uid={username},ou=people,dc=example,dc=org';
const firstFactor = (url: string, tls: Record<string, unknown> = {}) => ({ ldap: { enabled: true, url, userDnTemplate: template, tls } });
const deviceStore = (url: string, tls: Record<string, unknown> = {}) => ({
  otp: { enabled: true, store: 'ldap', ldap: { url, bindDn: 'cn=fg,dc=example,dc=org', bindPassword: 'service-password', userDnTemplate: template, tls } },
});

function warnings(overrides: Record<string, unknown>): Array<Record<string, unknown>> {
  const logs = captureLogs();
  warnLdapCleartext(testConfig('http://gateway.test', overrides), logs.logger);
  return logs.lines;
}

describe('LDAP in clear: the start-up warning (src/ldap/tls.ts)', () => {
  it('warns once for an ldap:// first factor on another host, naming the host and the setting', () => {
    const lines = warnings(firstFactor('ldap://ldap.example.org:389'));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ level: 40, event: 'ldap_cleartext', host: 'ldap.example.org', setting: 'ldap.url' });
    expect(lines[0]!.msg).to.match(/passwords go to the directory in clear/);
  });

  it('warns for the device store too, and for both when both are in clear', () => {
    expect(warnings(deviceStore('ldap://10.0.0.5'))).to.have.length(1).and.to.have.nested.property('[0].setting', 'otp.ldap.url');
    const both = warnings({ ...firstFactor('ldap://ldap.example.org'), ...deviceStore('ldap://[2001:db8::5]') });
    expect(both.map((l) => [l.setting, l.host])).to.deep.equal([['ldap.url', 'ldap.example.org'], ['otp.ldap.url', '2001:db8::5']]);
    expect(JSON.stringify(both)).not.to.include('service-password');
  });

  it('is silent for loopback addresses, ldaps://, StartTLS, and directories that are not used', () => {
    for (const url of ['ldap://127.0.0.1:389', 'ldap://127.8.9.10', 'ldap://localhost', 'ldap://LocalHost.', 'ldap://[::1]:389', 'ldaps://ldap.example.org']) {
      expect(warnings({ ...firstFactor(url), ...deviceStore(url) }), url).to.deep.equal([]);
    }
    expect(warnings({ ...firstFactor('ldap://ldap.example.org', { startTls: true }), ...deviceStore('ldap://ldap.example.org', { startTls: true }) })).to.deep.equal([]);
    expect(warnings({ ldap: { enabled: false, url: 'ldap://ldap.example.org' } })).to.deep.equal([]);
    expect(warnings({ otp: { ...deviceStore('ldap://ldap.example.org').otp, store: 'sqlite' } })).to.deep.equal([]);
  });

  it('counts as loopback only this machine\'s names and addresses', () => {
    for (const host of ['127.0.0.1', '127.255.0.1', '::1', '::ffff:7f00:1', 'localhost', 'ldap.localhost']) expect(isLoopbackHost(host), host).to.equal(true);
    for (const host of ['128.0.0.1', '10.0.0.1', '::2', 'localhost.example.org', 'mylocalhost', '127.0.0.1.example.org', '127.1']) expect(isLoopbackHost(host), host).to.equal(false);
  });
});
