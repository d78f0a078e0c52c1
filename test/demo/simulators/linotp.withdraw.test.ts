import { expect } from 'chai';
import type { LinotpSimulator } from '../../../src/demo/simulators/linotp/index.js';
import type { FakeClock } from './helpers.js';
import { LinotpClient, postForm, send, startLinotp } from './linotp.helpers.js';

describe('linotp simulator: withdrawing a push (POST /validate/cancel_transaction)', () => {
  let sim: LinotpSimulator;
  let clock: FakeClock;
  let client: LinotpClient;
  beforeEach(async () => ({ sim, clock, client } = await startLinotp()));
  afterEach(() => sim.close());

  const withdraw = (tid: string, user = 'bob', pass = '1234') => client.call('/validate/cancel_transaction', { user, pass, transactionid: tid }, 'POST');

  it('closes the open push without a verdict: gone from the phone, and a late Allow is told it expired and nothing happened', async () => {
    const tid = await client.push();
    const reply = await withdraw(tid);
    expect(reply.json.result).to.deep.equal({ status: true, value: true });
    expect(sim.pending('bob')).to.deep.equal([]);
    expect((await send(`${sim.url}/phone`)).body).to.not.include(`tx-${tid}`);
    const late = await postForm(sim.url, `/phone/${tid}/accept`, { number: '42' });
    expect(late.headers.get('location')).to.equal('/phone?result=expired');
    expect((await send(`${sim.url}/phone?result=expired`)).body).to.include('That request has expired: nothing happened.');
    expect(sim.approve(tid)).to.equal('expired');
    const status = await client.statusOf(tid);
    expect(status).to.include({ status: 'closed', valid_tan: false, message: 'withdrawn by the login' });
    expect(status).to.not.have.property('accept');
    expect(status).to.not.have.property('reject');
  });

  it('withdraws only the user\'s own open push, with the right pass', async () => {
    const tid = await client.push();
    expect((await withdraw(tid, 'bob', 'wrong')).json.result.value).to.equal(false);
    expect((await withdraw(tid, 'dave', '4321')).json.result.value).to.equal(false);
    expect(sim.pending('bob')).to.have.length(1);
    expect(sim.approve(tid)).to.equal('accepted');
    expect((await withdraw(tid)).json.result.value).to.equal(false);
    expect(sim.transactions('bob')[0]).to.include({ outcome: 'accepted', withdrawn: false });
  });

  it('a push past its validity has nothing left to withdraw', async () => {
    const tid = await client.push();
    clock.advance(120_000);
    expect((await withdraw(tid)).json.result).to.deep.equal({ status: true, value: false });
  });
});
