import { expect } from 'chai';
import type { AnakamSimulator } from '../../../src/demo/simulators/anakam/index.js';
import { FakeClock, AnakamApiClient, startAnakam, wrong } from './helpers.js';

describe('tfa simulator: expiry by the clock', () => {
  let sim: AnakamSimulator;
  let client: AnakamApiClient;
  let clock: FakeClock;
  afterEach(() => sim.close());

  describe('with the defaults (5 minutes for keys and passcodes)', () => {
    beforeEach(async () => ({ sim, client, clock } = await startAnakam({ authKeyTtlMs: 60 * 60_000 })));

    it('accepts a passcode until its TTL, then answers PASSCODE_EXPIRED', async () => {
      const early = await client.passcodeSent('alice');
      clock.advance(5 * 60_000 - 1);
      expect((await client.challenge(early.authKey, 'VERIFY_PASSCODE', { passcode: early.passcode })).values.get('status')).to.equal('AUTHENTICATED');

      const late = await client.passcodeSent('bob');
      clock.advance(5 * 60_000);
      expect((await client.challenge(late.authKey, 'VERIFY_PASSCODE', { passcode: late.passcode })).values.get('status')).to.equal('PASSCODE_EXPIRED');
    });

    it('does not count a guess against an expired passcode, and GET_PARAMS sends a working new one', async () => {
      const { authKey, passcode } = await client.passcodeSent('alice');
      clock.advance(5 * 60_000);
      for (let i = 0; i < 3; i += 1) {
        expect((await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode: wrong(passcode) })).values.get('status')).to.equal('PASSCODE_EXPIRED');
      }
      expect(sim.isLocked('alice')).to.equal(false);
      await client.challenge(authKey, 'GET_PARAMS');
      expect((await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode: sim.lastPasscode('alice')! })).values.get('status')).to.equal('AUTHENTICATED');
    });
  });

  describe('auth keys', () => {
    beforeEach(async () => ({ sim, client, clock } = await startAnakam()));

    it('answers 410 with an empty body once the key is 5 minutes old, for every command', async () => {
      const { authKey, passcode } = await client.passcodeSent('alice');
      clock.advance(5 * 60_000 - 1);
      expect((await client.challenge(authKey, 'SELECT_METHOD', { method: 'EMAIL' })).status).to.equal(200);
      clock.advance(1);
      for (const [command, fields] of [['SELECT_METHOD', { method: 'EMAIL' }], ['GET_PARAMS', {}], ['VERIFY_PASSCODE', { passcode }], ['VERIFY_DEVICE', { deviceKey: 'x' }], ['COMPLETE', {}]] as const) {
        const reply = await client.challenge(authKey, command, fields);
        expect(reply.status, command).to.equal(410);
        expect(reply.body).to.equal('');
      }
    });

    it('cannot complete an authenticated key once it expired', async () => {
      const { authKey, passcode } = await client.passcodeSent('alice');
      await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode });
      clock.advance(5 * 60_000);
      expect((await client.challenge(authKey, 'COMPLETE')).status).to.equal(410);
    });

    it('forgets a key an hour after it expired: then it is unknown (404)', async () => {
      const authKey = await client.newKey('alice');
      clock.advance(5 * 60_000 + 60 * 60_000 + 1);
      await client.newKey('bob'); // forgetting happens as new keys are made
      expect((await client.challenge(authKey, 'COMPLETE')).status).to.equal(404);
    });
  });

  describe('configured lifetimes', () => {
    beforeEach(async () => ({ sim, client, clock } = await startAnakam({ authKeyTtlMs: 30_000, passcodeTtlMs: 10_000 })));

    it('uses passcodeTtlMs and authKeyTtlMs', async () => {
      const { authKey, passcode } = await client.passcodeSent('alice');
      clock.advance(10_000);
      expect((await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode })).values.get('status')).to.equal('PASSCODE_EXPIRED');
      clock.advance(20_000);
      expect((await client.challenge(authKey, 'GET_PARAMS')).status).to.equal(410);
    });
  });
});
