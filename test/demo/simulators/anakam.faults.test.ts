import { expect } from 'chai';
import { createAnakamSimulator, type AnakamFault, type AnakamSimulator } from '../../../src/demo/simulators/anakam/index.js';
import { ANAKAM_USERS, AnakamApiClient, rawGet, send, startAnakam } from './helpers.js';

describe('tfa simulator: faults on demand', () => {
  let sim: AnakamSimulator;
  let client: AnakamApiClient;
  let authKey: string;
  beforeEach(async () => {
    ({ sim, client } = await startAnakam());
    authKey = await client.newKey('alice');
  });
  afterEach(() => sim.close());

  const select = () => client.challenge(authKey, 'SELECT_METHOD', { method: 'EMAIL' });

  it('latencyMs delays the answer, which is then normal', async () => {
    sim.setFault({ latencyMs: 250 });
    const started = performance.now();
    const reply = await select();
    expect(performance.now() - started).to.be.at.least(240);
    expect(reply.values.get('status')).to.equal('METHOD_SELECTED');
  });

  it('timeout never answers, and close() does not wait for the held request', async () => {
    sim.setFault({ timeout: true });
    const held = fetch(`${client.base}/auth?applicationKey=/&userKey=alice`, { method: 'POST', signal: AbortSignal.timeout(300) });
    const error = await held.then(() => undefined, (err: Error) => err);
    expect(error?.name).to.equal('TimeoutError');

    const hanging = fetch(`${client.base}/auth?applicationKey=/&userKey=alice`, { method: 'POST' }).catch((err: Error) => err);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sim.close(); // a close that waited for the held request would hang the test
    expect(await hanging).to.be.instanceOf(Error);
  });

  it('status answers every API call with that status and a body that is not XML', async () => {
    for (const status of [500, 503, 429]) {
      sim.setFault({ status });
      for (const reply of [await client.authKey('alice'), await select()]) {
        expect(reply.status).to.equal(status);
        expect(reply.contentType).to.match(/^text\/plain/);
      }
    }
  });

  it('notXml answers 200 with an HTML page', async () => {
    sim.setFault({ notXml: true });
    for (const reply of [await client.authKey('alice'), await select()]) {
      expect(reply.status).to.equal(200);
      expect(reply.contentType).to.match(/^text\/html/);
      expect(reply.body).to.match(/^<!doctype html>/);
    }
  });

  it('garbageXml (status) keeps the root but carries an unknown status word', async () => {
    sim.setFault({ garbageXml: true });
    const auth = await client.authKey('alice');
    expect([auth.status, auth.root, auth.values.get('status')]).to.deep.equal([200, 'authResponse', 'UNEXPECTED_STATUS']);
    const challenge = await select();
    expect([challenge.status, challenge.root, challenge.values.get('status')]).to.deep.equal([200, 'challengeResponse', 'UNEXPECTED_STATUS']);
  });

  it('garbageXml root carries a success word under the wrong root', async () => {
    sim.setFault({ garbageXml: 'root' });
    const auth = await client.authKey('alice');
    expect([auth.root, auth.values.get('status')]).to.deep.equal(['errorResponse', 'TOKEN_CREATED']);
    const challenge = await select();
    expect([challenge.root, challenge.values.get('status')]).to.deep.equal(['errorResponse', 'AUTHENTICATED']);
    expect(challenge.contentType).to.match(/^application\/xml/);
  });

  it('refuse drops the connection without an answer', async () => {
    sim.setFault({ refuse: true });
    const error = await client.authKey('alice').then(() => undefined, (err: Error) => err);
    expect(error).to.be.instanceOf(Error);
    expect(String((error as Error & { cause?: { code?: string } }).cause?.code)).to.match(/ECONNRESET|UND_ERR_SOCKET/);
  });

  it('applies before Basic auth: a broken server is broken for everyone', async () => {
    sim.setFault({ status: 503 });
    expect((await new AnakamApiClient(sim, 'Basic bm9ib2R5Om5vdGhpbmc=').authKey('alice')).status).to.equal(503);
  });

  it('leaves the outbox and the control routes alone, whatever the fault', async () => {
    const faults: AnakamFault[] = [{ timeout: true }, { refuse: true }, { status: 500 }, { notXml: true }, { garbageXml: 'root' }, { latencyMs: 5000 }];
    for (const fault of faults) {
      sim.setFault(fault);
      expect((await send(`${sim.url}/outbox.json`)).status, JSON.stringify(fault)).to.equal(200);
      expect((await send(`${sim.url}/_control/fault`)).body).to.equal(JSON.stringify({ fault }));
    }
  });

  it('clearFault brings back normal answers', async () => {
    sim.setFault({ status: 500 });
    sim.clearFault();
    expect(sim.fault()).to.equal(undefined);
    expect((await select()).values.get('status')).to.equal('METHOD_SELECTED');
  });

  it('refuses a fault that is not one, naming the problem', () => {
    expect(() => sim.setFault({ timeout: true, status: 500 })).to.throw(/at most one of/);
    expect(() => sim.setFault({})).to.throw(/needs latencyMs or one of/);
    expect(() => sim.setFault({ status: 200 })).to.throw(/status/);
    expect(() => sim.setFault({ slow: true } as unknown as AnakamFault)).to.throw(/slow|Unrecognized/i);
    expect(() => sim.setFault({ garbageXml: 'html' as 'root' })).to.throw(/garbageXml/);
  });

  it('can start with a fault from the options', async () => {
    const faulty = createAnakamSimulator({ users: ANAKAM_USERS, fault: { status: 503 } });
    await faulty.listen();
    try {
      expect((await new AnakamApiClient(faulty).authKey('alice')).status).to.equal(503);
    } finally {
      await faulty.close();
    }
  });
});

describe('tfa simulator: fault and reset control over HTTP', () => {
  let sim: AnakamSimulator;
  let client: AnakamApiClient;
  beforeEach(async () => ({ sim, client } = await startAnakam()));
  afterEach(() => sim.close());

  const control = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    send(`${sim.url}/_control/${path}`, {
      method, headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('POST /_control/fault sets a fault, GET shows it, DELETE clears it', async () => {
    const set = await control('POST', 'fault', { status: 503, latencyMs: 10 });
    expect(set.status).to.equal(200);
    expect(JSON.parse(set.body)).to.deep.equal({ fault: { status: 503, latencyMs: 10 } });
    expect(sim.fault()).to.deep.equal({ status: 503, latencyMs: 10 });
    expect((await client.authKey('alice')).status).to.equal(503);
    expect(JSON.parse((await control('GET', 'fault')).body)).to.deep.equal({ fault: { status: 503, latencyMs: 10 } });

    expect((await control('DELETE', 'fault')).status).to.equal(204);
    expect(JSON.parse((await control('GET', 'fault')).body)).to.deep.equal({ fault: null });
    expect((await client.authKey('alice')).status).to.equal(200);
  });

  it('answers 400 naming the problem for a bad fault, and keeps the old one', async () => {
    await control('POST', 'fault', { notXml: true });
    const bad = await control('POST', 'fault', { refuse: true, timeout: true });
    expect(bad.status).to.equal(400);
    expect(JSON.parse(bad.body).error).to.match(/at most one of/);
    const broken = await send(`${sim.url}/_control/fault`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{nope' });
    expect(broken.status).to.equal(400);
    expect(sim.fault()).to.deep.equal({ notXml: true });
  });

  it('takes faults only as JSON, from its own origin, on a loopback Host', async () => {
    const form = await send(`${sim.url}/_control/fault`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"refuse":true}' });
    expect(form.status).to.equal(415);
    expect((await control('POST', 'fault', { refuse: true }, { Origin: 'http://evil.example' })).status).to.equal(403);
    expect((await control('POST', 'reset', undefined, { Origin: 'http://evil.example' })).status).to.equal(403);
    expect((await rawGet(`${sim.url}/_control/fault`, { Host: 'rebound.example' })).status).to.equal(403);
    expect(sim.fault()).to.equal(undefined);
    expect((await control('POST', 'fault', { refuse: true }, { Origin: sim.url })).status).to.equal(200);
  });

  it('POST /_control/reset forgets keys, passcodes, locks, devices, messages, calls and the fault', async () => {
    const { authKey, passcode } = await client.passcodeSent('alice');
    const bob = await client.passcodeSent('bob');
    for (let i = 0; i < 3; i += 1) await client.challenge(bob.authKey, 'VERIFY_PASSCODE', { passcode: bob.passcode === '000000' ? '111111' : '000000' });
    const { deviceKey } = sim.registerDevice('alice');
    sim.setFault({ latencyMs: 1 });
    expect(sim.isLocked('bob')).to.equal(true);

    expect((await control('POST', 'reset')).status).to.equal(204);
    expect(sim.fault()).to.equal(undefined);
    expect(sim.outbox()).to.deep.equal({});
    expect(sim.calls()).to.deep.equal([]);
    expect(sim.isLocked('bob')).to.equal(false);
    expect((await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode })).status).to.equal(404);
    const fresh = await client.newKey('alice');
    expect((await client.challenge(fresh, 'VERIFY_DEVICE', { deviceKey })).values.get('status')).to.equal('DEVICE_UNKNOWN');
  });
});
