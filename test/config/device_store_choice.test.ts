import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load.js';

// Where TOTP devices live must suit how many instances run: a per-host SQLite file is refused
// when several instances share the logins (src/config/schema.ts, refusePerHostDevices).

/** A site without a two-factor server: logins use factorgate's own TOTP codes, so devices matter. */
const totpSite = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  FACTORGATE_GATEWAY_URL: 'https://gateway.example.test',
  FACTORGATE_SECRET: 'devices-secret-0123456789-abcdefghijk',
  ...extra,
});
const redis = { FACTORGATE_STORE_TYPE: 'redis', FACTORGATE_STORE_REDIS_URL: 'redis://127.0.0.1:6379' };
const postgres = { FACTORGATE_OTP_STORE: 'postgres', FACTORGATE_OTP_POSTGRES_HOST: 'db.example.test' };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig({ env });
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return expect.fail('configuration was accepted');
}

describe('configuration: otp.store and several instances', () => {
  it('keeps single-instance SQLite as the default', () => {
    const config = loadConfig({ env: totpSite() });
    expect(config.otp).to.include({ enabled: true, store: 'sqlite' });
  });

  it('refuses store.type redis with otp.store sqlite, naming both settings and the way out', () => {
    const problems = problemsOf(totpSite(redis));
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^otp\.store: is sqlite, a file of one host, but store\.type is redis \(several instances\)/);
    expect(problems[0]).to.include('Set otp.store to postgres (otp.postgres.*) or ldap (otp.ldap.*)');
  });

  it('refuses listen.workers above 1 with otp.store sqlite, naming listen.workers', () => {
    const problems = problemsOf(totpSite({ ...redis, FACTORGATE_LISTEN_WORKERS: '2' }));
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^otp\.store: is sqlite, .* but store\.type is redis and listen\.workers is 2/);
  });

  it('accepts several instances with devices in PostgreSQL or LDAP', () => {
    expect(loadConfig({ env: totpSite({ ...redis, ...postgres, FACTORGATE_LISTEN_WORKERS: '2' }) }).otp.store).to.equal('postgres');
    const ldap = {
      FACTORGATE_OTP_STORE: 'ldap', FACTORGATE_OTP_LDAP_URL: 'ldaps://ldap.example.test', FACTORGATE_OTP_LDAP_BIND_DN: 'cn=fg,dc=example,dc=test',
      FACTORGATE_OTP_LDAP_BIND_PASSWORD: 'bind-password', FACTORGATE_OTP_LDAP_USER_DN_TEMPLATE: 'uid={username},dc=example,dc=test',
    };
    expect(loadConfig({ env: totpSite({ ...redis, ...ldap }) }).otp.store).to.equal('ldap');
  });

  it('does not mind an SQLite path when no login uses TOTP codes', () => {
    const anakam = { FACTORGATE_ANAKAM_BASE_URL: 'http://tfa.example.test', FACTORGATE_ANAKAM_API_USER: 'api', FACTORGATE_ANAKAM_API_PASSWORD: 'api-password' };
    expect(loadConfig({ env: totpSite({ ...redis, ...anakam }) }).otp).to.include({ enabled: false, store: 'sqlite' });
  });

  it('refuses it at start-up: the command exits 2 and says why', function () {
    this.timeout(20_000);
    const root = join(import.meta.dirname, '..', '..');
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli.ts')], { cwd: root, env: { PATH: process.env.PATH, ...totpSite(redis) }, encoding: 'utf8' });
    expect(run.status).to.equal(2);
    expect(run.stderr).to.include('otp.store: is sqlite, a file of one host, but store.type is redis');
  });
});

describe('configuration: otp.postgres', () => {
  it('defaults to port 5432, database and role factorgate, TLS verify-full', () => {
    const { postgres: pg } = loadConfig({ env: totpSite(postgres) }).otp;
    expect(pg).to.deep.include({ host: 'db.example.test', port: 5432, database: 'factorgate', user: 'factorgate', timeoutMs: 5000, maxConnections: 10 });
    expect(pg.tls).to.deep.equal({ mode: 'verify-full' });
  });

  it('needs a host when the store is postgres', () => {
    expect(problemsOf(totpSite({ FACTORGATE_OTP_STORE: 'postgres' }))).to.deep.equal(['otp.postgres.host: required when store is postgres']);
  });

  it('refuses a CA file with TLS off, rather than let it look like TLS', () => {
    const problems = problemsOf(totpSite({ ...postgres, FACTORGATE_OTP_POSTGRES_TLS_MODE: 'disable', FACTORGATE_OTP_POSTGRES_TLS_CA_FILE: '/etc/ssl/pg-ca.pem' }));
    expect(problems).to.deep.equal(['otp.postgres.tls.caFile: is given but tls.mode is disable: set tls.mode to verify-full (or verify-ca), or drop caFile']);
  });

  it('refuses an sslmode it does not offer (require would not check the certificate)', () => {
    const problems = problemsOf(totpSite({ ...postgres, FACTORGATE_OTP_POSTGRES_TLS_MODE: 'require' }));
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^otp\.postgres\.tls\.mode: /);
  });
});
