import { expect } from 'chai';
import { createAnakamSimulator, type AnakamSimulator } from '../../../src/demo/simulators/anakam/index.js';
import { FakeClock, T0, ANAKAM_USERS, AnakamApiClient, send, startAnakam } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('tfa simulator: acquiring an auth key', () => {
  let sim: AnakamSimulator;
  let client: AnakamApiClient;
  beforeEach(async () => ({ sim, client } = await startAnakam()));
  afterEach(() => sim.close());

  it('answers TOKEN_CREATED with every element of the Anakam API, in order, as application/xml', async () => {
    const reply = await client.authKey('alice', '/app');
    expect(reply.status).to.equal(200);
    expect(reply.contentType).to.match(/^application\/xml/);
    expect(reply.root).to.equal('authResponse');
    expect(reply.order).to.deep.equal(['tenant', 'userKey', 'authKey', 'applicationKey', 'step', 'successUrl', 'status', 'expires']);
    expect(Object.fromEntries(reply.values)).to.deep.include({
      tenant: 'default', userKey: 'alice', applicationKey: '/app', step: '1',
      successUrl: '/tfademo/default/success.jsp', status: 'TOKEN_CREATED',
      expires: new Date(T0 + 5 * 60_000).toISOString(),
    });
    expect(reply.values.get('authKey')).to.match(UUID);
  });

  it('gives a new key every time', async () => {
    const keys = await Promise.all([1, 2, 3].map(() => client.newKey('alice')));
    expect(new Set(keys).size).to.equal(3);
  });

  it('escapes what it echoes, so a user name cannot change the reply', async () => {
    const reply = await client.authKey(`o'brien&<x>`, '<app>');
    expect(reply.body).to.include('<userKey>o\'brien&amp;&lt;x&gt;</userKey>');
    expect(reply.values.get('userKey')).to.equal(`o'brien&<x>`);
    expect(reply.values.get('applicationKey')).to.equal('<app>');
  });

  it('answers 400 without exactly one applicationKey and one userKey', async () => {
    const post = (query: string) => send(`${client.base}/auth?${query}`, {
      method: 'POST', headers: { Authorization: `Basic ${Buffer.from(`${sim.apiUser}:${sim.apiPassword}`).toString('base64')}` },
    });
    expect((await post('applicationKey=/')).status).to.equal(400);
    expect((await post('userKey=alice')).status).to.equal(400);
    expect((await post('applicationKey=/&userKey=')).status).to.equal(400);
    expect((await post('applicationKey=/&userKey=alice&userKey=bob')).status).to.equal(400);
  });

  it('answers 404 for another version or tenant', async () => {
    const auth = { Authorization: `Basic ${Buffer.from(`${sim.apiUser}:${sim.apiPassword}`).toString('base64')}` };
    expect((await send(`${sim.url}/tfa/api/5.4/default/auth?applicationKey=/&userKey=alice`, { method: 'POST', headers: auth })).status).to.equal(404);
    expect((await send(`${sim.url}/tfa/api/5.5/other/auth?applicationKey=/&userKey=alice`, { method: 'POST', headers: auth })).status).to.equal(404);
  });

  it('gives an unknown user a key that can never authenticate (so auth does not tell who exists)', async () => {
    for (const user of ['mallory', 'constructor', '__proto__']) {
      const reply = await client.authKey(user);
      expect(reply.values.get('status'), user).to.equal('TOKEN_CREATED');
      const authKey = reply.values.get('authKey')!;
      for (const method of ['EMAIL', 'SMS']) {
        expect((await client.challenge(authKey, 'SELECT_METHOD', { method })).values.get('status'), `${user} ${method}`).to.equal('METHOD_UNAVAILABLE');
      }
      expect((await client.challenge(authKey, 'GET_PARAMS')).values.get('status')).to.equal('DELIVERY_FAILED');
      expect((await client.challenge(authKey, 'VERIFY_DEVICE', { deviceKey: 'x'.repeat(43) })).values.get('status')).to.equal('DEVICE_UNKNOWN');
      expect((await client.challenge(authKey, 'COMPLETE')).values.get('status')).to.equal('NOT_AUTHENTICATED');
    }
    expect(sim.outbox()).to.deep.equal({});
  });

  it('records each call for tests, with the user and key', async () => {
    const authKey = await client.newKey('alice');
    expect(sim.calls()).to.deep.equal([{ at: new Date(T0).toISOString(), call: 'auth', user: 'alice', authKey, httpStatus: 200, status: 'TOKEN_CREATED' }]);
  });
});

describe('tfa simulator: configured version, tenant and key lifetime', () => {
  let sim: AnakamSimulator;
  afterEach(() => sim.close());

  it('serves /tfa/api/{version}/{tenant} and dates keys by authKeyTtlMs', async () => {
    const clock = new FakeClock(T0);
    sim = createAnakamSimulator({ users: ANAKAM_USERS, clock, version: '6.0', tenant: 'acme', authKeyTtlMs: 60_000, apiUser: 'gw', apiPassword: 'pw' });
    await sim.listen();
    expect(sim.basePath).to.equal('/tfa/api/6.0/acme');
    const reply = await new AnakamApiClient(sim).authKey('alice');
    expect(reply.values.get('tenant')).to.equal('acme');
    expect(reply.values.get('successUrl')).to.equal('/tfademo/acme/success.jsp');
    expect(reply.values.get('expires')).to.equal(new Date(T0 + 60_000).toISOString());
    const auth = { Authorization: `Basic ${Buffer.from('gw:pw').toString('base64')}` };
    expect((await send(`${sim.url}/tfa/api/5.5/default/auth?applicationKey=/&userKey=alice`, { method: 'POST', headers: auth })).status).to.equal(404);
  });

  it('refuses bad options, naming each one', () => {
    expect(() => createAnakamSimulator({ users: ANAKAM_USERS, version: 'a/b', maxPasscodeAttempts: 0 }))
      .to.throw(/version: .*maxPasscodeAttempts: /s);
    expect(() => createAnakamSimulator({ users: ANAKAM_USERS, defaultRegistrationHours: 10, maxRegistrationHours: 5 }))
      .to.throw(/defaultRegistrationHours: must not exceed maxRegistrationHours/);
  });
});
