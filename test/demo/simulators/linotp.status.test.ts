import { expect } from 'chai';
import type { LinotpSimulator } from '../../../src/demo/simulators/linotp/index.js';
import type { FakeClock } from './helpers.js';
import { LinotpClient, startLinotp } from './linotp.helpers.js';

describe('linotp simulator: /validate/check_status reports each outcome', () => {
  let sim: LinotpSimulator;
  let clock: FakeClock;
  let client: LinotpClient;
  let tid: string;
  beforeEach(async () => {
    ({ sim, clock, client } = await startLinotp());
    tid = await client.push();
  });
  afterEach(() => sim.close());

  const envelope = (entry: unknown) => ({
    version: 'LinOTP sim', jsonrpc: '2.0', result: { status: true, value: true }, detail: { transactions: { [tid]: entry } },
  });
  const token = { serial: 'PUSH0001', type: 'push' };

  it('open while nobody has answered', async () => {
    const reply = await client.checkStatus({ user: 'bob', pass: '1234', transactionid: tid });
    expect(reply.status).to.equal(200);
    expect(reply.json).to.deep.equal(envelope({ status: 'open', token, received_tan: false, valid_tan: false, received_count: 0, message: '' }));
  });

  it('approved with the right number: closed, valid_tan and accept', async () => {
    expect(sim.approve(tid, 42)).to.equal('accepted');
    expect((await client.checkStatus({ user: 'bob', pass: '1234', transactionid: tid }, 'POST')).json).to.deep.equal(envelope({
      status: 'closed', token, received_tan: true, valid_tan: true, received_count: 1, message: 'accepted on the phone', accept: true,
    }));
  });

  it('approve() without a number taps the right one', async () => {
    expect(sim.approve(tid)).to.equal('accepted');
    expect(await client.statusOf(tid)).to.include({ status: 'closed', valid_tan: true, accept: true });
  });

  it('a wrong number rejects the transaction: closed, reject, no valid_tan, and wrong_number (factorgate\'s extension)', async () => {
    const [tx] = sim.pending('bob');
    const decoy = tx!.choices.find((n) => n !== 42)!;
    expect(sim.approve(tid, decoy)).to.equal('rejected');
    expect((await client.checkStatus({ user: 'bob', pass: '1234', transactionid: tid })).json).to.deep.equal(envelope({
      status: 'closed', token, received_tan: true, valid_tan: false, received_count: 1, message: 'wrong number chosen on the phone', reject: true, wrong_number: true,
    }));
    expect(sim.approve(tid, 42)).to.equal('closed');
  });

  it('denied: closed, reject, no valid_tan', async () => {
    expect(sim.deny(tid)).to.equal('denied');
    expect((await client.checkStatus({ user: 'bob', pass: '1234', transactionid: tid })).json).to.deep.equal(envelope({
      status: 'closed', token, received_tan: true, valid_tan: false, received_count: 1, message: 'denied on the phone', reject: true,
    }));
  });

  it('is single use: a closed transaction can be neither approved nor denied again', async () => {
    sim.approve(tid);
    expect(sim.approve(tid)).to.equal('closed');
    expect(sim.deny(tid)).to.equal('closed');
    expect(await client.statusOf(tid)).to.include({ status: 'closed', accept: true, received_count: 1 }).and.not.have.property('reject');
    const denied = await client.push();
    sim.deny(denied);
    expect(sim.approve(denied)).to.equal('closed');
    expect(await client.statusOf(denied)).to.include({ valid_tan: false, reject: true }).and.not.have.property('accept');
  });

  it('past its validity stays open, but leaves the phone and cannot be approved or denied', async () => {
    clock.advance(119_999);
    expect(sim.pending('bob')).to.have.length(1);
    clock.advance(1);
    expect(sim.pending('bob')).to.deep.equal([]);
    expect(sim.phone()).to.deep.equal([]);
    expect(sim.transactions('bob')[0]).to.include({ status: 'open', expired: true });
    expect(sim.approve(tid)).to.equal('expired');
    expect(sim.deny(tid)).to.equal('expired');
    expect(await client.statusOf(tid)).to.deep.equal({ status: 'open', token, received_tan: false, valid_tan: false, received_count: 0, message: '' });
  });

  it('takes its validity from the options', async () => {
    await sim.close();
    ({ sim, clock, client } = await startLinotp({ validityMs: 30_000 }));
    tid = await client.push();
    expect(sim.transactions()[0]!.expiresAt).to.equal(new Date(clock.now() + 30_000).toISOString());
    clock.advance(30_000);
    expect(sim.approve(tid)).to.equal('expired');
  });

  it('a newer push leaves the older one answerable on its own', async () => {
    const newer = await client.push();
    expect(sim.approve(tid)).to.equal('accepted');
    expect((await client.statusOf(newer)).status).to.equal('open');
    expect(sim.deny(newer)).to.equal('denied');
    expect(await client.statusOf(tid)).to.include({ accept: true });
  });

  it('answers result.status false for an unknown transaction, and for another user\'s', async () => {
    const unknown = { version: 'LinOTP sim', jsonrpc: '2.0', result: { status: false, error: { code: -312, message: 'no such transaction for this user' } } };
    expect((await client.checkStatus({ user: 'bob', pass: '1234', transactionid: '999999999999' })).json).to.deep.equal(unknown);
    expect((await client.checkStatus({ user: 'bob', pass: '1234', transactionid: 'x' })).json).to.deep.equal(unknown);
    expect((await client.checkStatus({ user: 'dave', pass: '4321', transactionid: tid })).json).to.deep.equal(unknown);
    expect(sim.approve('999999999999')).to.equal('unknown');
  });

  it('checks pass before it looks for the transaction, and needs a transactionid', async () => {
    const wrongPin = { version: 'LinOTP sim', jsonrpc: '2.0', result: { status: true, value: false }, detail: { message: 'wrong otp pin' } };
    expect((await client.checkStatus({ user: 'bob', pass: '0000', transactionid: tid })).json).to.deep.equal(wrongPin);
    expect((await client.checkStatus({ user: 'bob', pass: '0000', transactionid: '999999999999' })).json).to.deep.equal(wrongPin);
    expect((await client.checkStatus({ user: 'bob', pass: '1234' })).json.result)
      .to.deep.equal({ status: false, error: { code: -311, message: "Missing parameter: 'transactionid'" } });
  });

  it('forgets a transaction an hour after it expired, once the next push comes', async () => {
    clock.advance(120_000 + 60 * 60_000);
    expect((await client.statusOf(tid)).status).to.equal('open');
    clock.advance(1);
    await client.push();
    expect((await client.checkStatus({ user: 'bob', pass: '1234', transactionid: tid })).json.result.error.code).to.equal(-312);
  });
});
