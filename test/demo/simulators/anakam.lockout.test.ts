import { expect } from 'chai';
import type { AnakamSimulator } from '../../../src/demo/simulators/anakam/index.js';
import { FakeClock, AnakamApiClient, startAnakam, wrong } from './helpers.js';

describe('tfa simulator: lockout after wrong passcodes', () => {
  let sim: AnakamSimulator;
  let client: AnakamApiClient;
  let clock: FakeClock;
  beforeEach(async () => ({ sim, client, clock } = await startAnakam({ lockMs: 10 * 60_000, authKeyTtlMs: 60 * 60_000 })));
  afterEach(() => sim.close());

  const verify = async (authKey: string, passcode: string) => (await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode })).values;

  it('counts down attemptsRemaining, then answers LOCKED on the third wrong passcode (the default)', async () => {
    const { authKey, passcode } = await client.passcodeSent('alice');
    expect(Object.fromEntries(await verify(authKey, wrong(passcode)))).to.include({ status: 'PASSCODE_INVALID', attemptsRemaining: '2' });
    expect(Object.fromEntries(await verify(authKey, wrong(passcode)))).to.include({ status: 'PASSCODE_INVALID', attemptsRemaining: '1' });
    const third = await verify(authKey, wrong(passcode));
    expect(third.get('status')).to.equal('LOCKED');
    expect(third.has('attemptsRemaining')).to.equal(false);
    expect(sim.isLocked('alice')).to.equal(true);
  });

  it('refuses even the right passcode while locked, on every key of the user, and sends none', async () => {
    const { authKey, passcode } = await client.passcodeSent('alice');
    for (let i = 0; i < 3; i += 1) await verify(authKey, wrong(passcode));
    expect((await verify(authKey, passcode)).get('status')).to.equal('LOCKED');

    const fresh = await client.newKey('alice');
    expect((await client.challenge(fresh, 'SELECT_METHOD', { method: 'EMAIL' })).values.get('status')).to.equal('METHOD_SELECTED');
    expect((await client.challenge(fresh, 'GET_PARAMS')).values.get('status')).to.equal('LOCKED');
    expect(sim.lastPasscode('alice')).to.equal(passcode);
    expect((await verify(fresh, passcode)).get('status')).to.equal('LOCKED');
    expect((await client.challenge(fresh, 'COMPLETE')).values.get('status')).to.equal('NOT_AUTHENTICATED');
  });

  it('locks per user: other users are not affected', async () => {
    const a = await client.passcodeSent('alice');
    for (let i = 0; i < 3; i += 1) await verify(a.authKey, wrong(a.passcode));
    const b = await client.passcodeSent('bob');
    expect((await verify(b.authKey, b.passcode)).get('status')).to.equal('AUTHENTICATED');
    expect(sim.isLocked('bob')).to.equal(false);
  });

  it('counts wrong passcodes per user across auth keys, so a new key does not reset them', async () => {
    const first = await client.passcodeSent('alice');
    await verify(first.authKey, wrong(first.passcode));
    await verify(first.authKey, wrong(first.passcode));
    const second = await client.passcodeSent('alice');
    expect((await verify(second.authKey, wrong(second.passcode))).get('status')).to.equal('LOCKED');
  });

  it('unlocks after lockMs; passcodes sent before the lock stay dead', async () => {
    const { authKey, passcode } = await client.passcodeSent('alice');
    for (let i = 0; i < 3; i += 1) await verify(authKey, wrong(passcode));
    clock.advance(10 * 60_000 - 1);
    expect((await verify(authKey, passcode)).get('status')).to.equal('LOCKED');
    clock.advance(1);
    expect(sim.isLocked('alice')).to.equal(false);
    expect((await verify(authKey, passcode)).get('status')).to.equal('PASSCODE_EXPIRED');
    // A clean slate: a new passcode on the same key, and a full set of attempts.
    await client.challenge(authKey, 'GET_PARAMS');
    const renewed = sim.lastPasscode('alice')!;
    expect((await verify(authKey, wrong(renewed))).get('attemptsRemaining')).to.equal('2');
    expect((await verify(authKey, renewed)).get('status')).to.equal('AUTHENTICATED');
  });

  it('a right passcode resets the count', async () => {
    const first = await client.passcodeSent('alice');
    await verify(first.authKey, wrong(first.passcode));
    await verify(first.authKey, wrong(first.passcode));
    await verify(first.authKey, first.passcode);
    const second = await client.passcodeSent('alice');
    expect((await verify(second.authKey, wrong(second.passcode))).get('attemptsRemaining')).to.equal('2');
  });

  it('lets a registered device in while the user is locked', async () => {
    const { deviceKey } = sim.registerDevice('alice', 8);
    const { authKey, passcode } = await client.passcodeSent('alice');
    for (let i = 0; i < 3; i += 1) await verify(authKey, wrong(passcode));
    const fresh = await client.newKey('alice');
    expect((await client.challenge(fresh, 'VERIFY_DEVICE', { deviceKey })).values.get('status')).to.equal('AUTHENTICATED');
  });
});

describe('tfa simulator: configured lockout', () => {
  it('takes maxPasscodeAttempts wrong passcodes to lock', async () => {
    const { sim, client } = await startAnakam({ maxPasscodeAttempts: 5 });
    try {
      const { authKey, passcode } = await client.passcodeSent('alice');
      const seen: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const values = (await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode: wrong(passcode) })).values;
        seen.push(values.get('attemptsRemaining') ?? values.get('status')!);
      }
      expect(seen).to.deep.equal(['4', '3', '2', '1', 'LOCKED']);
    } finally {
      await sim.close();
    }
  });
});
