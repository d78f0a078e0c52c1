import { expect } from 'chai';
import { createLinotpSimulator, type LinotpFault, type LinotpSimulator } from '../../../src/demo/simulators/linotp/index.js';
import { rawGet } from './helpers.js';
import { DATA, LINOTP_USERS, LinotpClient, send, startLinotp } from './linotp.helpers.js';

describe('linotp simulator: faults on demand', () => {
  let sim: LinotpSimulator;
  let client: LinotpClient;
  let tid: string;
  beforeEach(async () => {
    ({ sim, client } = await startLinotp());
    tid = await client.push();
  });
  afterEach(() => sim.close());

  const trigger = () => client.check({ user: 'bob', pass: '1234', data: DATA, content_type: '0', number: '42' });
  const status = (method: 'GET' | 'POST' = 'GET') => client.checkStatus({ user: 'bob', pass: '1234', transactionid: tid }, method);

  it('latencyMs delays the answer, which is then normal', async () => {
    sim.setFault({ latencyMs: 250 });
    const started = performance.now();
    const reply = await status();
    expect(performance.now() - started).to.be.at.least(240);
    expect(reply.json.detail.transactions[tid].status).to.equal('open');
  });

  it('timeout never answers, and close() does not wait for the held request', async () => {
    sim.setFault({ timeout: true });
    const error = await fetch(`${sim.url}/validate/check_status?user=bob`, { signal: AbortSignal.timeout(300) }).then(() => undefined, (err: Error) => err);
    expect(error?.name).to.equal('TimeoutError');
    const hanging = fetch(`${sim.url}/validate/check?user=bob`).catch((err: Error) => err);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sim.close();
    expect(await hanging).to.be.instanceOf(Error);
  });

  it('status answers every /validate call with that status and a body that is not JSON', async () => {
    for (const code of [500, 503, 429]) {
      sim.setFault({ status: code });
      for (const reply of [await trigger(), await status()]) {
        expect(reply.status).to.equal(code);
        expect(reply.contentType).to.match(/^text\/plain/);
        expect(reply.json).to.equal(undefined);
      }
    }
  });

  it('notJson answers 200 with an HTML page', async () => {
    sim.setFault({ notJson: true });
    for (const reply of [await trigger(), await status()]) {
      expect([reply.status, reply.json]).to.deep.equal([200, undefined]);
      expect(reply.contentType).to.match(/^text\/html/);
      expect(reply.body).to.match(/^<!doctype html>/);
    }
  });

  it('garbage (types) has the success shapes with every value of the wrong JSON type', async () => {
    sim.setFault({ garbage: true });
    const pushed = (await trigger()).json;
    expect(pushed.result).to.deep.equal({ status: 'true', value: 'false' });
    expect(pushed.detail.transactionid).to.be.a('number');
    for (const method of ['GET', 'POST'] as const) {
      const entry = (await status(method)).json.detail.transactions[tid];
      expect(entry, method).to.include({ status: 'closed', valid_tan: 'true', accept: 'true', received_count: '1' });
    }
    const code = (await client.check({ user: 'bob', pass: '000000', transactionid: tid })).json;
    expect(code.result).to.deep.equal({ status: 'true', value: 'true' });
    expect((await status()).contentType).to.match(/^application\/json/);
    expect(sim.transactions()).to.have.length(1);
    expect(sim.transactions()[0]!.status).to.equal('open');
  });

  it('garbage (transaction) approves another transaction than the one asked, and pushes with an id that is not one', async () => {
    sim.setFault({ garbage: 'transaction' });
    for (const method of ['GET', 'POST'] as const) {
      const { json } = await status(method);
      expect(json.result).to.deep.equal({ status: true, value: true });
      const [[other, entry]] = Object.entries(json.detail.transactions) as [[string, object]];
      expect(other).to.match(/^[0-9]{12}$/).and.not.equal(tid);
      expect(entry).to.include({ status: 'closed', valid_tan: true, accept: true });
    }
    expect((await trigger()).json.detail).to.include({ transactionid: '', linotp_tokentype: 'push' });
  });

  it('refuse drops the connection without an answer', async () => {
    sim.setFault({ refuse: true });
    const error = await trigger().then(() => undefined, (err: Error) => err);
    expect(error).to.be.instanceOf(Error);
    expect(String((error as Error & { cause?: { code?: string } }).cause?.code)).to.match(/ECONNRESET|UND_ERR_SOCKET/);
  });

  it('leaves the phone and the control routes alone, whatever the fault', async () => {
    const faults: LinotpFault[] = [{ timeout: true }, { refuse: true }, { status: 500 }, { notJson: true }, { garbage: 'transaction' }, { latencyMs: 5000 }];
    for (const fault of faults) {
      sim.setFault(fault);
      expect((await send(`${sim.url}/phone.json`)).json.transactions, JSON.stringify(fault)).to.have.length(1);
      expect((await send(`${sim.url}/phone`)).status).to.equal(200);
      expect((await send(`${sim.url}/_control/fault`)).body).to.equal(JSON.stringify({ fault }));
    }
  });

  it('applies before Basic auth: a broken server is broken for everyone', async () => {
    await sim.close();
    ({ sim, client } = await startLinotp({ basicAuth: { user: 'fg', password: 'fg-secret' } }));
    sim.setFault({ status: 503 });
    expect((await trigger()).status).to.equal(503);
  });

  it('clearFault brings back normal answers', async () => {
    sim.setFault({ status: 500 });
    sim.clearFault();
    expect(sim.fault()).to.equal(undefined);
    expect((await status()).json.result).to.deep.equal({ status: true, value: true });
  });

  it('refuses a fault that is not one, naming the problem', () => {
    expect(() => sim.setFault({ timeout: true, status: 500 })).to.throw(/at most one of/);
    expect(() => sim.setFault({})).to.throw(/needs latencyMs or one of/);
    expect(() => sim.setFault({ status: 200 })).to.throw(/status/);
    expect(() => sim.setFault({ notXml: true } as unknown as LinotpFault)).to.throw(/notXml|Unrecognized/i);
    expect(() => sim.setFault({ garbage: 'root' as 'types' })).to.throw(/garbage/);
  });

  it('can start with a fault from the options', async () => {
    const faulty = createLinotpSimulator({ users: LINOTP_USERS, fault: { status: 503 } });
    await faulty.listen();
    try {
      expect((await new LinotpClient(faulty.url).check({ user: 'bob' })).status).to.equal(503);
    } finally {
      await faulty.close();
    }
  });
});

describe('linotp simulator: fault and reset control over HTTP', () => {
  let sim: LinotpSimulator;
  let client: LinotpClient;
  beforeEach(async () => ({ sim, client } = await startLinotp()));
  afterEach(() => sim.close());

  const control = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    send(`${sim.url}/_control/${path}`, {
      method, headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('POST /_control/fault sets a fault, GET shows it, DELETE clears it', async () => {
    const set = await control('POST', 'fault', { notJson: true, latencyMs: 10 });
    expect([set.status, set.json]).to.deep.equal([200, { fault: { notJson: true, latencyMs: 10 } }]);
    expect(sim.fault()).to.deep.equal({ notJson: true, latencyMs: 10 });
    expect((await client.check({ user: 'bob' })).contentType).to.match(/^text\/html/);
    expect((await control('GET', 'fault')).json).to.deep.equal({ fault: { notJson: true, latencyMs: 10 } });
    expect((await control('DELETE', 'fault')).status).to.equal(204);
    expect((await control('GET', 'fault')).json).to.deep.equal({ fault: null });
    expect((await client.check({ user: 'bob' })).json.result.status).to.equal(false);
  });

  it('answers 400 naming the problem for a bad fault, and keeps the old one', async () => {
    await control('POST', 'fault', { garbage: true });
    const bad = await control('POST', 'fault', { refuse: true, timeout: true });
    expect(bad.status).to.equal(400);
    expect(bad.json.error).to.match(/at most one of/);
    const broken = await send(`${sim.url}/_control/fault`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{nope' });
    expect(broken.status).to.equal(400);
    expect(sim.fault()).to.deep.equal({ garbage: true });
  });

  it('takes faults only as JSON, from its own origin, on a loopback Host', async () => {
    const form = await send(`${sim.url}/_control/fault`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"refuse":true}' });
    expect(form.status).to.equal(415);
    expect((await control('POST', 'fault', { refuse: true }, { Origin: 'http://evil.example' })).status).to.equal(403);
    expect((await control('POST', 'reset', undefined, { Origin: 'http://evil.example' })).status).to.equal(403);
    expect((await rawGet(`${sim.url}/_control/fault`, { Host: 'rebound.example' })).status).to.equal(403);
    expect(sim.fault()).to.equal(undefined);
  });

  it('POST /_control/reset (and sim.reset()) forget every transaction and the fault', async () => {
    const tid = await client.push();
    await client.push('dave', '4321');
    sim.setFault({ latencyMs: 1 });
    expect((await control('POST', 'reset')).status).to.equal(204);
    expect(sim.fault()).to.equal(undefined);
    expect(sim.transactions()).to.deep.equal([]);
    expect(sim.phone()).to.deep.equal([]);
    expect(sim.codeFor(tid)).to.equal(undefined);
    expect((await client.checkStatus({ user: 'bob', pass: '1234', transactionid: tid })).json.result.error.code).to.equal(-312);

    await client.push();
    sim.setFault({ status: 500 });
    sim.reset();
    expect([sim.transactions(), sim.fault()]).to.deep.equal([[], undefined]);
  });
});

describe('linotp simulator: optional Basic auth on /validate', () => {
  let sim: LinotpSimulator | undefined;
  afterEach(() => sim?.close());

  it('has none by default', async () => {
    let client: LinotpClient;
    ({ sim, client } = await startLinotp());
    expect((await client.check({ user: 'bob', pass: '1234', data: DATA, content_type: '0' })).status).to.equal(200);
  });

  it('when configured, answers 401 without the right credentials, on /validate only', async () => {
    let client: LinotpClient;
    ({ sim, client } = await startLinotp({ basicAuth: { user: 'fg', password: 'fg-secret' } }));
    const anonymous = await client.check({ user: 'bob', pass: '1234', data: DATA, content_type: '0' });
    expect([anonymous.status, anonymous.body]).to.deep.equal([401, '']);
    expect(anonymous.headers.get('www-authenticate')).to.match(/^Basic realm="linotp"/);
    const wrong = new LinotpClient(sim.url, { Authorization: `Basic ${Buffer.from('fg:nope').toString('base64')}` });
    expect((await wrong.checkStatus({ user: 'bob' })).status).to.equal(401);
    const right = new LinotpClient(sim.url, { Authorization: `Basic ${Buffer.from('fg:fg-secret').toString('base64')}` });
    expect((await right.push()).length).to.equal(12);
    expect((await send(`${sim.url}/phone.json`)).status).to.equal(200);
  });

  it('refuses bad options, naming each by its path', () => {
    expect(() => createLinotpSimulator({ users: {}, otppin: 3 as 0, validityMs: 10, basicAuth: { user: 'a:b', password: 'x' } }))
      .to.throw(/otppin.*validityMs.*basicAuth\.user/);
  });
});
