import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { RedisStore } from '../../src/state/redis_store.js';
import { freePort } from '../helpers/processes.js';
import { startRedisServer, type RedisServer } from '../helpers/redis_server.js';

// A real redis-server that speaks TLS only on its TLS port, with a self-signed certificate for
// 127.0.0.1: store.redis.caFile is what lets factorgate trust it, and nothing else does.

describe('Redis over TLS, checked against store.redis.caFile', function () {
  this.timeout(20_000);
  let dir: string;
  let redis: RedisServer;
  let tlsUrl: string;
  const stores: RedisStore[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'factorgate-redis-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ], { stdio: 'ignore' });
    const tlsPort = await freePort();
    redis = await startRedisServer({ args: ['--tls-port', String(tlsPort), '--tls-cert-file', join(dir, 'cert.pem'), '--tls-key-file', join(dir, 'key.pem'), '--tls-auth-clients', 'no'] });
    tlsUrl = `redis://127.0.0.1:${tlsPort}`;
  });
  after(async () => {
    for (const store of stores) await store.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const storeWith = (redisSettings: Record<string, string>, reasons: string[] = []) => {
    const config = loadConfig({ env: {
      FACTORGATE_GATEWAY_URL: 'http://gateway.test', FACTORGATE_SECRET: 'redis-tls-secret-0123456789-abcdefghij',
      FACTORGATE_ANAKAM_BASE_URL: 'http://tfa.test', FACTORGATE_ANAKAM_API_USER: 'api', FACTORGATE_ANAKAM_API_PASSWORD: 'api-password',
      FACTORGATE_STORE_TYPE: 'redis', FACTORGATE_STORE_REDIS_URL: tlsUrl, FACTORGATE_STORE_REDIS_CONNECT_TIMEOUT_MS: '1000', ...redisSettings,
    } });
    const store = new RedisStore({ ...config.store.redis, onError: (reason) => reasons.push(reason) });
    stores.push(store);
    return store;
  };

  it('connects with the CA file (FACTORGATE_STORE_REDIS_CA_FILE), which turns TLS on by itself', async () => {
    const store = storeWith({ FACTORGATE_STORE_REDIS_CA_FILE: join(dir, 'cert.pem') });
    expect(await store.ready()).to.equal(true);
    await store.set('tls-check', { ok: true }, 10_000);
    expect(await store.get('tls-check')).to.deep.equal({ ok: true });
  });

  it('fails closed with TLS but without the CA (the system CAs do not know the certificate)', async () => {
    const reasons: string[] = [];
    const store = storeWith({ FACTORGATE_STORE_REDIS_TLS: 'true' }, reasons);
    expect(await store.ready()).to.equal(false);
    expect(await store.ping()).to.equal(false);
    expect(reasons.some((r) => /self-signed certificate/.test(r)), reasons.join('; ')).to.equal(true);
  });

  it('refuses to start with a CA file it cannot read, naming the setting', () => {
    expect(() => storeWith({ FACTORGATE_STORE_REDIS_CA_FILE: join(dir, 'missing.pem') })).to.throw(/store\.redis\.caFile .*missing\.pem \(ENOENT\)/);
  });
});
