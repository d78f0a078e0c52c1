import { expect } from 'chai';
import type { LinotpSimulator } from '../../../src/demo/simulators/linotp/index.js';
import { DATA, LinotpClient, send, startLinotp } from './linotp.helpers.js';

const WRONG_PIN = { version: 'LinOTP sim', jsonrpc: '2.0', result: { status: true, value: false }, detail: { message: 'wrong otp pin' } };

describe('linotp simulator: /validate/check triggers a push', () => {
  let sim: LinotpSimulator;
  let client: LinotpClient;
  beforeEach(async () => ({ sim, client } = await startLinotp()));
  afterEach(() => sim.close());

  it('answers value false with a 12-digit transaction id, the token serial and type, and opens the transaction', async () => {
    const reply = await client.check({ user: 'bob', pass: '1234', data: DATA, content_type: '0', number: '42' });
    expect(reply.status).to.equal(200);
    expect(reply.contentType).to.match(/^application\/json/);
    expect(reply.headers.get('cache-control')).to.equal('no-store');
    const tid = reply.json.detail.transactionid;
    expect(tid).to.match(/^[1-9][0-9]{11}$/);
    expect(reply.json).to.deep.equal({
      version: 'LinOTP sim', jsonrpc: '2.0', result: { status: true, value: false },
      detail: { transactionid: tid, linotp_tokenserial: 'PUSH0001', linotp_tokentype: 'push', message: 'push sent' },
    });
    const [tx] = sim.pending('bob');
    expect(tx).to.include({ transactionid: tid, user: 'bob', serial: 'PUSH0001', data: DATA, number: 42, status: 'open', expired: false });
    expect(tx!.code).to.match(/^[0-9]{6}$/);
  });

  it('takes the parameters as a POSTed form or JSON body too', async () => {
    const form = await client.check({ user: 'dave', pass: '4321', data: DATA, content_type: '0', number: '17' }, 'POST');
    expect(form.json.detail.linotp_tokenserial).to.equal('PUSH0002');
    const json = await send(`${sim.url}/validate/check`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: 'bob', pass: '1234', data: DATA, content_type: '0' }),
    });
    expect(json.json.detail.transactionid).to.match(/^[0-9]{12}$/);
    expect(sim.transactions().map((t) => t.user)).to.deep.equal(['bob', 'dave']);
  });

  it('makes a different transaction id and code each time', async () => {
    const tids = [await client.push(), await client.push(), await client.push()];
    expect(new Set(tids).size).to.equal(3);
    expect(new Set(tids.map((t) => sim.codeFor(t))).size).to.equal(3);
  });

  it('keeps older transactions open when the same user is pushed again, newest first', async () => {
    const first = await client.push();
    const second = await client.push('bob', '1234', { data: 'second login' });
    expect(sim.pending('bob').map((t) => t.transactionid)).to.deep.equal([second, first]);
    expect((await client.statusOf(first)).status).to.equal('open');
  });

  it('accepts a push without a number (no number matching) and refuses a malformed one', async () => {
    const reply = await client.check({ user: 'bob', pass: '1234', data: DATA, content_type: '0' });
    const tid = reply.json.detail.transactionid;
    expect(sim.transactions()[0]).to.include({ transactionid: tid }).and.not.have.property('number');
    expect(sim.transactions()[0]!.choices).to.deep.equal([]);
    for (const number of ['9', '100', '042', '4x', '', ' 42']) {
      const bad = await client.check({ user: 'bob', pass: '1234', data: DATA, content_type: '0', number });
      expect(bad.json.result, number).to.deep.equal({ status: false, error: { code: -311, message: "parameter 'number' must be a number from 10 to 99" } });
    }
  });

  it('answers "wrong otp pin", without a transaction, for a wrong pass, an unknown user and a user without a push token', async () => {
    for (const [user, pass] of [['bob', '4321'], ['bob', ''], ['bob', 'bob-demo-pw'], ['nobody', '1234'], ['alice', 'alice-demo-pw'], ['constructor', '']]) {
      const reply = await client.check({ user: user!, pass: pass!, data: DATA, content_type: '0', number: '42' });
      expect(reply.json, `${user}/${pass}`).to.deep.equal(WRONG_PIN);
    }
    expect(sim.transactions()).to.deep.equal([]);
  });
});

describe('linotp simulator: otppin decides what pass must be', () => {
  let sim: LinotpSimulator | undefined;
  afterEach(() => sim?.close());

  const cases = [
    { otppin: 0 as const, right: ['1234'], wrong: ['', 'bob-demo-pw', '12345', '4321'] },
    { otppin: 1 as const, right: ['bob-demo-pw'], wrong: ['', '1234', 'bob-demo-p', 'dave-demo-pw'] },
    { otppin: 2 as const, right: [''], wrong: ['1234', 'bob-demo-pw', ' '] },
  ];
  for (const { otppin, right, wrong } of cases) {
    it(`otppin ${otppin}: pushes for ${JSON.stringify(right)} only, on check and check_status alike`, async () => {
      let client: LinotpClient;
      ({ sim, client } = await startLinotp({ otppin }));
      expect(sim.otppin).to.equal(otppin);
      const tid = await client.push('bob', right[0]);
      expect((await client.checkStatus({ user: 'bob', pass: right[0]!, transactionid: tid })).json.result).to.deep.equal({ status: true, value: true });
      for (const pass of wrong) {
        expect((await client.check({ user: 'bob', pass, data: DATA, content_type: '0' })).json, pass).to.deep.equal(WRONG_PIN);
        expect((await client.checkStatus({ user: 'bob', pass, transactionid: tid })).json, pass).to.deep.equal(WRONG_PIN);
      }
      expect(sim.transactions()).to.have.length(1);
    });
  }

  it('otppin 2 still needs a push token: an empty pass for a user without one is "wrong otp pin"', async () => {
    let client: LinotpClient;
    ({ sim, client } = await startLinotp({ otppin: 2 }));
    expect((await client.check({ user: 'alice', pass: '', data: DATA, content_type: '0' })).json).to.deep.equal(WRONG_PIN);
  });

  it('treats a missing pass as an empty one', async () => {
    let client: LinotpClient;
    ({ sim, client } = await startLinotp({ otppin: 2 }));
    expect((await client.check({ user: 'bob', data: DATA, content_type: '0' })).json.detail.transactionid).to.be.a('string');
  });
});

describe('linotp simulator: malformed requests get result.status false with HTTP 200', () => {
  let sim: LinotpSimulator;
  let client: LinotpClient;
  beforeEach(async () => ({ sim, client } = await startLinotp()));
  afterEach(() => sim.close());

  const error = (message: string) => ({ version: 'LinOTP sim', jsonrpc: '2.0', result: { status: false, error: { code: -311, message } } });

  it('answers code -311 for a missing user, on both routes', async () => {
    for (const reply of [
      await client.check({ pass: '1234', data: DATA, content_type: '0' }),
      await client.check({ user: '', pass: '1234', data: DATA, content_type: '0' }),
      await client.checkStatus({ pass: '1234', transactionid: '123456789012' }),
      await client.check({ pass: '1234' }, 'POST'),
    ]) {
      expect(reply.status).to.equal(200);
      expect(reply.json).to.deep.equal(error("Missing parameter: 'user'"));
    }
  });

  it('refuses a push without data, with too long data, or with a content_type other than 0', async () => {
    expect((await client.check({ user: 'bob', pass: '1234', content_type: '0' })).json).to.deep.equal(error("Missing parameter: 'data'"));
    expect((await client.check({ user: 'bob', pass: '1234', data: 'x'.repeat(513), content_type: '0' })).json)
      .to.deep.equal(error("parameter 'data' is longer than 512 characters"));
    expect((await client.check({ user: 'bob', pass: '1234', data: 'x'.repeat(512), content_type: '0' })).json.detail.transactionid).to.be.a('string');
    for (const params of [{ content_type: '1' }, {}] as Array<Record<string, string>>) {
      expect((await client.check({ user: 'bob', pass: '1234', data: DATA, ...params })).json.result.error.code).to.equal(-311);
    }
    expect(sim.transactions()).to.have.length(1);
  });

  it('refuses a repeated parameter, one in both query and body, and anything but a string (type confusion)', async () => {
    const repeated = await send(`${sim.url}/validate/check?user=bob&user=dave&pass=1234&data=x&content_type=0`);
    expect(repeated.json).to.deep.equal(error("parameter 'user' given more than once"));
    const both = await send(`${sim.url}/validate/check?user=bob`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'user=bob&pass=1234&data=x&content_type=0',
    });
    expect(both.json).to.deep.equal(error("parameter 'user' given more than once"));
    for (const body of [{ user: { $ne: '' }, pass: '1234' }, { user: ['bob'], pass: '1234' }, { user: 'bob', pass: 1234, data: 'x', content_type: '0' }]) {
      const reply = await send(`${sim.url}/validate/check`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      expect(reply.json.result.error.code, JSON.stringify(body)).to.equal(-311);
    }
    expect(sim.transactions()).to.deep.equal([]);
  });

  it('answers a body that cannot be read the LinOTP way too, not with an HTML error', async () => {
    for (const [type, body] of [['application/json', '{nope'], ['application/json', '[1,2]'], ['application/x-www-form-urlencoded', 'x'.repeat(9000)]]) {
      const reply = await send(`${sim.url}/validate/check`, { method: 'POST', headers: { 'Content-Type': type! }, body: body! });
      expect([reply.status, reply.json?.result?.error?.code], `${type} ${body!.slice(0, 10)}`).to.deep.equal([200, -311]);
    }
  });

  it('answers 404 for other paths and methods below /validate', async () => {
    expect((await send(`${sim.url}/validate/samlcheck?user=bob`)).status).to.equal(404);
    expect((await send(`${sim.url}/validate/check?user=bob`, { method: 'PUT' })).status).to.equal(404);
  });
});
