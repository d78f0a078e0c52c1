import { expect } from 'chai';
import type { AnakamSimulator } from '../../../src/demo/simulators/anakam/index.js';
import { T0, ANAKAM_USERS, AnakamApiClient, rawGet, send, startAnakam } from './helpers.js';

describe('tfa simulator: the outbox', () => {
  let sim: AnakamSimulator;
  let client: AnakamApiClient;
  beforeEach(async () => ({ sim, client } = await startAnakam({ users: { ...ANAKAM_USERS, 'eve<script>': { email: 'eve@example.com' } } })));
  afterEach(() => sim.close());

  it('GET /outbox.json lists the last passcode sent to each user, without Basic auth', async () => {
    await client.passcodeSent('alice');
    await client.passcodeSent('bob', 'SMS');
    const reply = await send(`${sim.url}/outbox.json`);
    expect(reply.status).to.equal(200);
    expect(reply.headers.get('cache-control')).to.equal('no-store');
    const { messages } = JSON.parse(reply.body);
    expect(Object.keys(messages).sort()).to.deep.equal(['alice', 'bob']);
    expect(messages.alice).to.deep.equal({ passcode: sim.lastPasscode('alice'), destination: 'a***@example.com', method: 'EMAIL', sentAt: new Date(T0).toISOString() });
    expect(messages.bob).to.deep.include({ passcode: sim.lastPasscode('bob'), destination: '***-***-2345', method: 'SMS' });
  });

  it('keeps only the newest passcode per user', async () => {
    const { authKey } = await client.passcodeSent('alice');
    await client.challenge(authKey, 'GET_PARAMS');
    const { messages } = JSON.parse((await send(`${sim.url}/outbox.json`)).body);
    expect(messages.alice.passcode).to.equal(sim.lastPasscode('alice'));
    expect(Object.keys(messages)).to.deep.equal(['alice']);
  });

  it('GET /outbox/{user}.json gives one user\'s message, or 404', async () => {
    await client.passcodeSent('alice');
    const alice = await send(`${sim.url}/outbox/alice.json`);
    expect(JSON.parse(alice.body)).to.deep.include({ passcode: sim.lastPasscode('alice'), method: 'EMAIL' });
    const nobody = await send(`${sim.url}/outbox/carol.json`);
    expect(nobody.status).to.equal(404);
    expect(JSON.parse(nobody.body)).to.deep.equal({ error: 'no message for this user' });
  });

  it('GET /outbox shows the passcodes in a page that says it is not behind Basic auth', async () => {
    expect((await send(`${sim.url}/outbox`)).body).to.include('Nothing sent yet');
    await client.passcodeSent('alice');
    const page = await send(`${sim.url}/outbox`);
    expect(page.status).to.equal(200);
    expect(page.contentType).to.match(/^text\/html/);
    expect(page.body).to.include(`<td class="code">${sim.lastPasscode('alice')}</td>`);
    expect(page.body).to.include('a***@example.com');
    expect(page.body).to.match(/not behind Basic auth/);
    expect(page.body).to.include('<meta http-equiv="refresh"');
    expect(page.headers.get('content-security-policy')).to.include("default-src 'none'");
    expect((await send(`${sim.url}/`)).headers.get('location')).to.equal('/outbox');
  });

  it('escapes what it shows', async () => {
    await client.passcodeSent('eve<script>');
    const page = (await send(`${sim.url}/outbox`)).body;
    expect(page).to.include('eve&lt;script&gt;');
    expect(page).not.to.include('eve<script>');
  });

  it('answers only for a loopback Host', async () => {
    await client.passcodeSent('alice');
    expect((await rawGet(`${sim.url}/outbox.json`, { Host: 'attacker.example' })).status).to.equal(403);
    expect((await rawGet(`${sim.url}/outbox.json`, { Host: `localhost:${new URL(sim.url).port}` })).status).to.equal(200);
  });
});
