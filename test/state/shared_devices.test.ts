import { expect } from 'chai';
import { newDeviceId } from '../../src/otp/device_store.js';
import { PostgresDeviceStore } from '../../src/otp/postgres_device_store.js';
import { sealSecret } from '../../src/otp/secrets.js';
import { Totp } from '../../src/otp/totp.js';
import { Keyring } from '../../src/security/keyring.js';
import { FakeClock } from '../helpers/clock.js';
import { TEST_SECRET } from '../helpers/config.js';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres_server.js';
import { startRedisServer, type RedisServer } from '../helpers/redis_server.js';

// Two factorgate instances as a load balancer would have them: login state in one Redis, TOTP
// devices in one PostgreSQL (otp.store: postgres). A device registered once logs in through
// either, and a code accepted by one is refused by the other.

describe('two instances sharing Redis and a PostgreSQL device store', function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let postgres: PostgresServer;
  let one: Harness;
  let two: Harness;
  const clock = new FakeClock();
  const totp = new Totp();
  const secret = totp.generateSecret();

  before(async function () {
    this.timeout(60_000);
    [redis, postgres] = await Promise.all([startRedisServer(), startPostgres()]);
    const database = await postgres.createDatabase();
    const overrides = {
      store: { type: 'redis', redis: { url: redis.url } },
      providers: { default: 'totp' },
      otp: { enabled: true, store: 'postgres', postgres: { host: postgres.host, port: postgres.port, database, user: postgres.user, password: postgres.password, tls: { mode: 'disable' } } },
    };
    one = await startHarness(overrides, { clock });
    two = await startHarness(overrides, { clock });
    // The device as /manageotp leaves it, written once, where both instances read.
    const store = await PostgresDeviceStore.open({ host: postgres.host, port: postgres.port, database, user: postgres.user, password: postgres.password, tls: { mode: 'disable' }, timeoutMs: 3000, maxConnections: 1 });
    const id = newDeviceId();
    await store.add('alice', { id, name: 'phone', sealedSecret: sealSecret(new Keyring(TEST_SECRET), 'alice', id, secret), active: true });
    await store.close();
  });
  after(async () => {
    await one?.close();
    await two?.close();
    await Promise.all([redis?.stop(), postgres?.stop()]);
  });

  const login = async (via: Harness, code: string) => {
    const browser = via.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    return (await browser.postJson('/mfa/passcode', { passcode: code, csrf: started.csrf })).json();
  };

  it('a device registered once logs in through either instance', async () => {
    expect((await login(one, totp.codeAt(secret, clock.now()))).status).to.equal('done');
    clock.advance(30_000);
    expect((await login(two, totp.codeAt(secret, clock.now()))).status).to.equal('done');
  });

  it('a code accepted by one instance is refused by the other, and the other says so in its log', async () => {
    clock.advance(30_000);
    const code = totp.codeAt(secret, clock.now());
    expect((await login(one, code)).status).to.equal('done');
    expect((await login(two, code)).notice.code).to.equal('code_reused');
    expect(two.logs.lines.some((l) => l.event === 'otp_code_reused' && l.user === 'alice')).to.equal(true);
    expect(one.gateway.logins.length + two.gateway.logins.length).to.equal(3);
  });
});
