import { expect } from 'chai';
import type { AnakamSimulator } from '../../../src/demo/simulators/anakam/index.js';
import { FakeClock, T0, AnakamApiClient, startAnakam } from './helpers.js';

const HOUR = 3_600_000;

describe('tfa simulator: remembered devices', () => {
  let sim: AnakamSimulator;
  let client: AnakamApiClient;
  let clock: FakeClock;
  beforeEach(async () => ({ sim, client, clock } = await startAnakam({ authKeyTtlMs: 1000 * HOUR })));
  afterEach(() => sim.close());

  /** A passcode login that registers a device; returns the reply's values. */
  async function register(user: string, fields: Record<string, string>): Promise<Map<string, string>> {
    const { authKey, passcode } = await client.passcodeSent(user, user === 'carol' ? 'SMS' : 'EMAIL');
    const reply = await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode, ...fields });
    expect(reply.status).to.equal(200);
    return reply.values;
  }

  const verifyDevice = async (user: string, deviceKey: string) => {
    const authKey = await client.newKey(user);
    return { authKey, status: (await client.challenge(authKey, 'VERIFY_DEVICE', { deviceKey })).values.get('status') };
  };

  it('registers for registrationHours: AUTHENTICATED with deviceKey and deviceExpires', async () => {
    const { authKey, passcode } = await client.passcodeSent('alice');
    const reply = await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode, registerDevice: 'true', registrationHours: '24' });
    expect(reply.order).to.deep.equal(['authKey', 'status', 'deviceKey', 'deviceExpires']);
    expect(reply.values.get('status')).to.equal('AUTHENTICATED');
    expect(reply.values.get('deviceKey')).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(reply.values.get('deviceExpires')).to.equal(new Date(T0 + 24 * HOUR).toISOString());
  });

  it('uses 8 hours when registerDevice comes without registrationHours', async () => {
    const values = await register('alice', { registerDevice: 'true' });
    expect(values.get('deviceExpires')).to.equal(new Date(T0 + 8 * HOUR).toISOString());
  });

  it('registers nothing without registerDevice, or with false', async () => {
    expect((await register('alice', {})).has('deviceKey')).to.equal(false);
    expect((await register('bob', { registerDevice: 'false', registrationHours: '8' })).has('deviceKey')).to.equal(false);
  });

  it('answers 400 for registration hours out of range, and leaves the passcode usable', async () => {
    const { authKey, passcode } = await client.passcodeSent('alice');
    for (const hours of ['0', '2161', 'abc', '1.5', '-1', '']) {
      const reply = await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode, registerDevice: 'true', registrationHours: hours });
      expect(reply.status, hours).to.equal(400);
    }
    expect((await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode, registerDevice: 'maybe' })).status).to.equal(400);
    expect((await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode, registerDevice: 'true', registrationHours: '2160' })).values.get('status')).to.equal('AUTHENTICATED');
  });

  it('authenticates a new key by VERIFY_DEVICE, which then completes', async () => {
    const deviceKey = (await register('alice', { registerDevice: 'true', registrationHours: '8' })).get('deviceKey')!;
    const { authKey, status } = await verifyDevice('alice', deviceKey);
    expect(status).to.equal('AUTHENTICATED');
    expect((await client.challenge(authKey, 'COMPLETE')).values.get('status')).to.equal('COMPLETE');
    // A device is not used up by one login.
    expect((await verifyDevice('alice', deviceKey)).status).to.equal('AUTHENTICATED');
  });

  it('answers DEVICE_EXPIRED at the end of the registration, then forgets the device', async () => {
    const deviceKey = (await register('alice', { registerDevice: 'true', registrationHours: '8' })).get('deviceKey')!;
    clock.advance(8 * HOUR - 1);
    expect((await verifyDevice('alice', deviceKey)).status).to.equal('AUTHENTICATED');
    clock.advance(1);
    expect((await verifyDevice('alice', deviceKey)).status).to.equal('DEVICE_EXPIRED');
    expect((await verifyDevice('alice', deviceKey)).status).to.equal('DEVICE_UNKNOWN');
  });

  it('answers DEVICE_UNKNOWN for an unknown key, an empty one, or another user\'s device', async () => {
    const deviceKey = (await register('alice', { registerDevice: 'true' })).get('deviceKey')!;
    expect((await verifyDevice('bob', deviceKey)).status).to.equal('DEVICE_UNKNOWN');
    expect((await verifyDevice('alice', `${deviceKey.slice(0, -1)}${deviceKey.endsWith('A') ? 'B' : 'A'}`)).status).to.equal('DEVICE_UNKNOWN');
    expect((await verifyDevice('alice', '')).status).to.equal('DEVICE_UNKNOWN');
    // Bob's refused try did not spoil alice's device.
    expect((await verifyDevice('alice', deviceKey)).status).to.equal('AUTHENTICATED');
  });

  it('falls back to the passcode path on the same key after a refused device', async () => {
    const { authKey, status } = await verifyDevice('alice', 'not-a-registered-device');
    expect(status).to.equal('DEVICE_UNKNOWN');
    expect((await client.challenge(authKey, 'COMPLETE')).values.get('status')).to.equal('NOT_AUTHENTICATED');
    await client.challenge(authKey, 'SELECT_METHOD', { method: 'EMAIL' });
    await client.challenge(authKey, 'GET_PARAMS');
    expect((await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode: sim.lastPasscode('alice')! })).values.get('status')).to.equal('AUTHENTICATED');
    expect((await client.challenge(authKey, 'COMPLETE')).values.get('status')).to.equal('COMPLETE');
  });

  it('registers devices directly for tests, with the same expiry', async () => {
    const { deviceKey, deviceExpires } = sim.registerDevice('carol', 2);
    expect(deviceExpires).to.equal(new Date(T0 + 2 * HOUR).toISOString());
    expect((await verifyDevice('carol', deviceKey)).status).to.equal('AUTHENTICATED');
    clock.advance(2 * HOUR);
    expect((await verifyDevice('carol', deviceKey)).status).to.equal('DEVICE_EXPIRED');
  });
});

describe('tfa simulator: configured registration hours', () => {
  it('uses defaultRegistrationHours and maxRegistrationHours', async () => {
    const { sim, client } = await startAnakam({ defaultRegistrationHours: 2, maxRegistrationHours: 12 });
    try {
      const first = await client.passcodeSent('alice');
      const reply = await client.challenge(first.authKey, 'VERIFY_PASSCODE', { passcode: first.passcode, registerDevice: 'true' });
      expect(reply.values.get('deviceExpires')).to.equal(new Date(T0 + 2 * HOUR).toISOString());
      const second = await client.passcodeSent('bob');
      expect((await client.challenge(second.authKey, 'VERIFY_PASSCODE', { passcode: second.passcode, registerDevice: 'true', registrationHours: '13' })).status).to.equal(400);
    } finally {
      await sim.close();
    }
  });
});
