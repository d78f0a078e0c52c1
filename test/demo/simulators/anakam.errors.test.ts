import { expect } from 'chai';
import type { AnakamSimulator } from '../../../src/demo/simulators/anakam/index.js';
import { AnakamApiClient, challengeXml, send, startAnakam } from './helpers.js';

describe('tfa simulator: malformed requests and unknown keys', () => {
  let sim: AnakamSimulator;
  let client: AnakamApiClient;
  let authKey: string;
  beforeEach(async () => {
    ({ sim, client } = await startAnakam());
    authKey = await client.newKey('alice');
  });
  afterEach(() => sim.close());

  const expectUntouched = async () => {
    // The key is as it was: the refused request changed nothing.
    expect((await client.challenge(authKey, 'SELECT_METHOD', { method: 'EMAIL' })).values.get('status')).to.equal('METHOD_SELECTED');
  };

  it('answers 404 with an empty body for an unknown auth key', async () => {
    for (const key of ['00000000-0000-4000-8000-000000000000', 'x', authKey.toUpperCase()]) {
      const reply = await client.challenge(key, 'SELECT_METHOD', { method: 'EMAIL' });
      expect(reply.status, key).to.equal(404);
      expect(reply.body).to.equal('');
    }
  });

  it('refuses a DTD with 400 before parsing (no entity expansion)', async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<challengeRequest><command>SELECT_METHOD</command><clientIp>1.2.3.4</clientIp><method>&b;</method></challengeRequest>`;
    expect((await client.put(authKey, laughs)).status).to.equal(400);
    const external = `<!doctype x SYSTEM "file:///etc/passwd"><challengeRequest><command>COMPLETE</command><clientIp>1.2.3.4</clientIp></challengeRequest>`;
    expect((await client.put(authKey, external)).status).to.equal(400);
    await expectUntouched();
  });

  it('answers 400 for a body that is not a challengeRequest with a known command and a clientIp', async () => {
    const bodies = {
      empty: '',
      'not XML': 'command=SELECT_METHOD',
      'wrong root': '<challenge><command>SELECT_METHOD</command><clientIp>1.2.3.4</clientIp><method>EMAIL</method></challenge>',
      'no command': '<challengeRequest><clientIp>1.2.3.4</clientIp></challengeRequest>',
      'unknown command': challengeXml('LET_ME_IN'),
      'lower-case command': challengeXml('select_method', { method: 'EMAIL' }),
      'no clientIp': challengeXml('SELECT_METHOD', { method: 'EMAIL' }, ''),
      'nested command': '<challengeRequest><clientIp>1.2.3.4</clientIp><x><command>COMPLETE</command></x></challengeRequest>',
      'element too long': challengeXml('SELECT_METHOD', { method: 'E'.repeat(600) }),
    };
    for (const [name, body] of Object.entries(bodies)) {
      const reply = await client.put(authKey, body);
      expect(reply.status, name).to.equal(400);
      expect(reply.contentType ?? '', name).not.to.match(/xml/);
    }
    await expectUntouched();
  });

  it('answers 415 unless the body is sent as XML', async () => {
    const body = challengeXml('SELECT_METHOD', { method: 'EMAIL' });
    for (const type of ['text/plain', 'application/json', 'application/x-www-form-urlencoded']) {
      expect((await client.put(authKey, body, type)).status, type).to.equal(415);
    }
    await expectUntouched();
  });

  it('answers 413 for a body over 16 KB', async () => {
    const reply = await client.put(authKey, challengeXml('SELECT_METHOD', { method: 'EMAIL', padding: 'x'.repeat(500) }).replace('</challengeRequest>', `${'<p/>'.repeat(5000)}</challengeRequest>`));
    expect(reply.status).to.equal(413);
    await expectUntouched();
  });

  it('answers 404 for other paths and methods under the API', async () => {
    const headers = { Authorization: `Basic ${Buffer.from(`${sim.apiUser}:${sim.apiPassword}`).toString('base64')}` };
    expect((await send(`${client.base}/auth?applicationKey=/&userKey=alice`, { headers })).status).to.equal(404);
    expect((await send(`${client.base}/challenge/${authKey}`, { headers })).status).to.equal(404);
    expect((await send(`${client.base}/users`, { headers })).status).to.equal(404);
    expect((await send(`${sim.url}/nothing-here`)).status).to.equal(404);
  });
});
