import { expect } from 'chai';
import type { AnakamSimulator } from '../../../src/demo/simulators/anakam/index.js';
import { CLIENT_IP, T0, AnakamApiClient, startAnakam, wrong } from './helpers.js';

describe('tfa simulator: the passcode path', () => {
  let sim: AnakamSimulator;
  let client: AnakamApiClient;
  beforeEach(async () => ({ sim, client } = await startAnakam()));
  afterEach(() => sim.close());

  it('GET_PARAMS names every destination the user has, masked, whichever method sent the passcode', async () => {
    const bob = await client.newKey('bob');
    await client.challenge(bob, 'SELECT_METHOD', { method: 'SMS' });
    const both = await client.challenge(bob, 'GET_PARAMS');
    expect(Object.fromEntries(both.values)).to.deep.include({ destination: '***-***-2345', email: 'b***@example.com', phone: '***-***-2345' });
    const carol = await client.newKey('carol');
    await client.challenge(carol, 'SELECT_METHOD', { method: 'SMS' });
    const phoneOnly = await client.challenge(carol, 'GET_PARAMS');
    expect(phoneOnly.order).to.deep.equal(['authKey', 'status', 'destination', 'phone']);
    expect(phoneOnly.values.get('phone')).to.equal('***-***-9876');
  });

  it('selects, sends, verifies and completes; the completed key is used up', async () => {
    const authKey = await client.newKey('alice');
    const selected = await client.challenge(authKey, 'SELECT_METHOD', { method: 'EMAIL' });
    expect(selected.status).to.equal(200);
    expect(selected.contentType).to.match(/^application\/xml/);
    expect(selected.root).to.equal('challengeResponse');
    expect(selected.order).to.deep.equal(['authKey', 'status']);
    expect(Object.fromEntries(selected.values)).to.deep.equal({ authKey, status: 'METHOD_SELECTED' });

    const sent = await client.challenge(authKey, 'GET_PARAMS');
    // The destinations the user has (alice: only an e-mail address), so a client offers no other.
    expect(sent.order).to.deep.equal(['authKey', 'status', 'destination', 'email']);
    expect(Object.fromEntries(sent.values)).to.deep.equal({ authKey, status: 'PASSCODE_SENT', destination: 'a***@example.com', email: 'a***@example.com' });
    const passcode = sim.lastPasscode('alice');
    expect(passcode).to.match(/^\d{6}$/);
    expect(sim.outbox().alice).to.deep.equal({ passcode, destination: 'a***@example.com', method: 'EMAIL', sentAt: new Date(T0).toISOString() });

    const verified = await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode: passcode! });
    expect(Object.fromEntries(verified.values)).to.deep.equal({ authKey, status: 'AUTHENTICATED' });

    const completed = await client.challenge(authKey, 'COMPLETE');
    expect(Object.fromEntries(completed.values)).to.deep.equal({ authKey, status: 'COMPLETE' });

    const again = await client.challenge(authKey, 'COMPLETE');
    expect(again.status).to.equal(404);
    expect(again.body).to.equal('');
  });

  it('records every command with the client address factorgate sent', async () => {
    const { authKey, passcode } = await client.passcodeSent('alice');
    await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode });
    const calls = sim.calls().map((c) => [c.call, c.clientIp, c.status]);
    expect(calls).to.deep.equal([
      ['auth', undefined, 'TOKEN_CREATED'],
      ['SELECT_METHOD', CLIENT_IP, 'METHOD_SELECTED'],
      ['GET_PARAMS', CLIENT_IP, 'PASSCODE_SENT'],
      ['VERIFY_PASSCODE', CLIENT_IP, 'AUTHENTICATED'],
    ]);
    expect(JSON.stringify(sim.calls())).not.to.include(passcode);
  });

  it('sends by SMS to a masked phone number', async () => {
    const { sent } = await client.passcodeSent('bob', 'SMS');
    expect(sent.values.get('destination')).to.equal('***-***-2345');
    expect(sim.outbox().bob).to.include({ method: 'SMS', destination: '***-***-2345' });
  });

  it('answers METHOD_UNAVAILABLE when the user has no such destination or the method is unknown', async () => {
    const cases: Array<[string, string]> = [['carol', 'EMAIL'], ['alice', 'SMS'], ['bob', 'VOICE'], ['bob', 'email']];
    for (const [user, method] of cases) {
      const authKey = await client.newKey(user);
      const reply = await client.challenge(authKey, 'SELECT_METHOD', { method });
      expect(reply.values.get('status'), `${user} ${method}`).to.equal('METHOD_UNAVAILABLE');
      expect((await client.challenge(authKey, 'GET_PARAMS')).values.get('status')).to.equal('DELIVERY_FAILED');
    }
    expect(sim.outbox()).to.deep.equal({});
  });

  it('makes six-digit passcodes that differ', async () => {
    const authKey = await client.newKey('alice');
    await client.challenge(authKey, 'SELECT_METHOD', { method: 'EMAIL' });
    const seen = new Set<string>();
    for (let i = 0; i < 20; i += 1) {
      await client.challenge(authKey, 'GET_PARAMS');
      expect(sim.lastPasscode('alice')).to.match(/^\d{6}$/);
      seen.add(sim.lastPasscode('alice')!);
    }
    expect(seen.size).to.be.greaterThan(15);
  });

  it('sends a new passcode on a second GET_PARAMS, and the first one no longer works', async () => {
    const { authKey, passcode: first } = await client.passcodeSent('alice');
    let second = first;
    while (second === first) { // one chance in a million that they match: ask again
      await client.challenge(authKey, 'GET_PARAMS');
      second = sim.lastPasscode('alice')!;
    }
    const old = await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode: first });
    expect(old.values.get('status')).to.equal('PASSCODE_INVALID');
    expect((await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode: second })).values.get('status')).to.equal('AUTHENTICATED');
  });

  it('uses a passcode once only', async () => {
    const { authKey, passcode } = await client.passcodeSent('alice');
    await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode });
    expect((await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode })).values.get('status')).to.equal('PASSCODE_EXPIRED');
  });

  it('answers PASSCODE_INVALID with attemptsRemaining for a wrong passcode, then accepts the right one', async () => {
    const { authKey, passcode } = await client.passcodeSent('alice');
    const bad = await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode: wrong(passcode) });
    expect(bad.order).to.deep.equal(['authKey', 'status', 'attemptsRemaining']);
    expect(Object.fromEntries(bad.values)).to.deep.equal({ authKey, status: 'PASSCODE_INVALID', attemptsRemaining: '2' });
    // Not even the shape of a passcode: still just a wrong one, and counted.
    const junk = await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode: `${passcode}0` });
    expect(Object.fromEntries(junk.values)).to.deep.include({ status: 'PASSCODE_INVALID', attemptsRemaining: '1' });
    expect((await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode })).values.get('status')).to.equal('AUTHENTICATED');
  });

  it('answers 400 when a command lacks its element', async () => {
    const authKey = await client.newKey('alice');
    expect((await client.challenge(authKey, 'SELECT_METHOD')).status).to.equal(400);
    expect((await client.challenge(authKey, 'VERIFY_PASSCODE')).status).to.equal(400);
    expect((await client.challenge(authKey, 'VERIFY_DEVICE')).status).to.equal(400);
  });

  it('takes text/xml as well as application/xml', async () => {
    const authKey = await client.newKey('alice');
    const reply = await client.put(authKey, '<challengeRequest><command>SELECT_METHOD</command><clientIp>::1</clientIp><method>EMAIL</method></challengeRequest>', 'text/xml; charset=utf-8');
    expect(reply.values.get('status')).to.equal('METHOD_SELECTED');
  });
});
