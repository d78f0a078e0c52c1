import { expect } from 'chai';
import type { LinotpSimulator } from '../../../src/demo/simulators/linotp/index.js';
import type { FakeClock } from './helpers.js';
import { LinotpClient, startLinotp } from './linotp.helpers.js';

describe('linotp simulator: the one-time code typed by hand (/validate/check with transactionid)', () => {
  let sim: LinotpSimulator;
  let clock: FakeClock;
  let client: LinotpClient;
  let tid: string;
  let code: string;
  beforeEach(async () => {
    ({ sim, clock, client } = await startLinotp());
    tid = await client.push();
    code = sim.codeFor(tid)!;
  });
  afterEach(() => sim.close());

  const typed = (pass: string, transactionid = tid, user = 'bob') => client.check({ user, pass, transactionid });
  const refused = (message: string) => ({ version: 'LinOTP sim', jsonrpc: '2.0', result: { status: true, value: false }, detail: { message } });
  const wrongFor = (right: string) => (right === '000000' ? '111111' : '000000');
  const wrong = () => wrongFor(code);

  it('accepts the right code: value true, "matching 1 tokens", and the transaction closes as accepted', async () => {
    const reply = await typed(code);
    expect(reply.json).to.deep.equal({ version: 'LinOTP sim', jsonrpc: '2.0', result: { status: true, value: true }, detail: { message: 'matching 1 tokens' } });
    expect(await client.statusOf(tid)).to.deep.equal({
      status: 'closed', token: { serial: 'PUSH0001', type: 'push' }, received_tan: true, valid_tan: true, received_count: 1,
      message: 'accepted by one-time code', accept: true,
    });
    expect(sim.pending('bob')).to.deep.equal([]);
  });

  it('takes the code alone as pass, whatever otppin: PIN+code is a wrong code', async () => {
    expect((await typed(`1234${code}`)).json).to.deep.equal(refused('wrong otp value'));
    for (const otppin of [1, 2] as const) {
      await sim.close();
      ({ sim, client } = await startLinotp({ otppin }));
      tid = await client.push('bob', otppin === 1 ? 'bob-demo-pw' : '');
      expect((await typed(sim.codeFor(tid)!)).json.result.value, `otppin ${otppin}`).to.equal(true);
    }
  });

  it('counts a wrong code (value false) and still accepts the right one before the limit', async () => {
    expect((await typed(wrong())).json).to.deep.equal(refused('wrong otp value'));
    expect((await typed('')).json).to.deep.equal(refused('wrong otp value'));
    expect(await client.statusOf(tid)).to.include({ status: 'open', received_tan: true, valid_tan: false, received_count: 2 });
    expect((await typed(code)).json.result.value).to.equal(true);
    expect(sim.transactions()[0]).to.include({ outcome: 'accepted', wrongCodes: 2, receivedCount: 3 });
  });

  it('rejects the transaction on the third wrong code; the right code is refused after that', async () => {
    await typed(wrong());
    await typed(wrong());
    expect((await typed(wrong())).json).to.deep.equal(refused('wrong otp value: too many attempts, transaction rejected'));
    expect(await client.statusOf(tid)).to.deep.equal({
      status: 'closed', token: { serial: 'PUSH0001', type: 'push' }, received_tan: true, valid_tan: false, received_count: 3,
      message: 'too many wrong one-time codes', reject: true,
    });
    expect((await typed(code)).json).to.deep.equal(refused('transaction already closed'));
    expect(sim.approve(tid)).to.equal('closed');
  });

  it('takes the number of tries from the options', async () => {
    await sim.close();
    ({ sim, client } = await startLinotp({ maxCodeAttempts: 1 }));
    tid = await client.push();
    code = sim.codeFor(tid)!;
    expect((await typed(wrong())).json.detail.message).to.match(/transaction rejected/);
  });

  it('counts wrong codes per transaction: a newer push starts with a clean slate', async () => {
    await typed(wrong());
    await typed(wrong());
    const newer = await client.push();
    await typed(wrongFor(sim.codeFor(newer)!), newer);
    expect((await typed(code)).json.result.value).to.equal(true);
  });

  it('refuses the code of a closed, expired, unknown or other user\'s transaction, without counting it', async () => {
    sim.deny(tid);
    expect((await typed(code)).json).to.deep.equal(refused('transaction already closed'));

    const later = await client.push();
    clock.advance(120_000);
    expect((await typed(sim.codeFor(later)!, later)).json).to.deep.equal(refused('transaction expired'));

    const fresh = await client.push();
    expect((await typed(sim.codeFor(fresh)!, '999999999999')).json).to.deep.equal(refused('no such transaction for this user'));
    expect((await typed(sim.codeFor(fresh)!, fresh, 'dave')).json).to.deep.equal(refused('no such transaction for this user'));
    expect(sim.transactions()[0]).to.include({ transactionid: fresh, status: 'open', wrongCodes: 0, receivedCount: 0 });
  });

  it('a phone answer after the code was accepted changes nothing (single use)', async () => {
    await typed(code);
    expect(sim.deny(tid)).to.equal('closed');
    expect(await client.statusOf(tid)).to.include({ accept: true, valid_tan: true });
  });
});
