import { expect } from 'chai';
import type { AnakamSimulator } from '../../../src/demo/simulators/anakam/index.js';
import { AnakamApiClient, startAnakam, wrong } from './helpers.js';

// Each auth key's state enforces the Anakam API's order: a step out of order gets that command's
// failure word, never success, and leaves the key as it was.
describe('tfa simulator: commands out of order fail', () => {
  let sim: AnakamSimulator;
  let client: AnakamApiClient;
  beforeEach(async () => ({ sim, client } = await startAnakam()));
  afterEach(() => sim.close());

  const statusOf = async (authKey: string, command: string, fields: Record<string, string> = {}) =>
    (await client.challenge(authKey, command, fields)).values.get('status');

  it('GET_PARAMS before SELECT_METHOD: DELIVERY_FAILED, and nothing is sent', async () => {
    const authKey = await client.newKey('alice');
    expect(await statusOf(authKey, 'GET_PARAMS')).to.equal('DELIVERY_FAILED');
    expect(sim.outbox()).to.deep.equal({});
  });

  it('VERIFY_PASSCODE before GET_PARAMS: PASSCODE_EXPIRED, and such guesses are not counted', async () => {
    const authKey = await client.newKey('alice');
    for (let i = 0; i < 5; i += 1) expect(await statusOf(authKey, 'VERIFY_PASSCODE', { passcode: '123456' })).to.equal('PASSCODE_EXPIRED');
    await client.challenge(authKey, 'SELECT_METHOD', { method: 'EMAIL' });
    expect(await statusOf(authKey, 'VERIFY_PASSCODE', { passcode: '123456' })).to.equal('PASSCODE_EXPIRED');
    await client.challenge(authKey, 'GET_PARAMS');
    const bad = await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode: wrong(sim.lastPasscode('alice')!) });
    expect(bad.values.get('attemptsRemaining')).to.equal('2');
  });

  it('COMPLETE before authentication: NOT_AUTHENTICATED, and the key stays usable', async () => {
    const { authKey, passcode } = await client.passcodeSent('alice');
    expect(await statusOf(authKey, 'COMPLETE')).to.equal('NOT_AUTHENTICATED');
    await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode: wrong(passcode) });
    expect(await statusOf(authKey, 'COMPLETE')).to.equal('NOT_AUTHENTICATED');
    expect(await statusOf(authKey, 'VERIFY_PASSCODE', { passcode })).to.equal('AUTHENTICATED');
    expect(await statusOf(authKey, 'COMPLETE')).to.equal('COMPLETE');
  });

  it('after authentication: no new method or passcode, and COMPLETE still completes', async () => {
    const { authKey, passcode } = await client.passcodeSent('alice');
    await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode });
    expect(await statusOf(authKey, 'SELECT_METHOD', { method: 'EMAIL' })).to.equal('METHOD_UNAVAILABLE');
    expect(await statusOf(authKey, 'GET_PARAMS')).to.equal('DELIVERY_FAILED');
    expect(sim.lastPasscode('alice')).to.equal(passcode);
    expect(await statusOf(authKey, 'COMPLETE')).to.equal('COMPLETE');
  });

  it('a new SELECT_METHOD discards the passcode sent by the old one', async () => {
    const { authKey, passcode } = await client.passcodeSent('bob', 'EMAIL');
    expect(await statusOf(authKey, 'SELECT_METHOD', { method: 'SMS' })).to.equal('METHOD_SELECTED');
    expect(await statusOf(authKey, 'VERIFY_PASSCODE', { passcode })).to.equal('PASSCODE_EXPIRED');
  });

  it('a passcode belongs to its auth key', async () => {
    const { passcode } = await client.passcodeSent('alice');
    const other = await client.newKey('alice');
    await client.challenge(other, 'SELECT_METHOD', { method: 'EMAIL' });
    expect(await statusOf(other, 'VERIFY_PASSCODE', { passcode })).to.equal('PASSCODE_EXPIRED');
  });
});
