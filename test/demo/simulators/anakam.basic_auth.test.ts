import { expect } from 'chai';
import { createAnakamSimulator, type AnakamSimulator } from '../../../src/demo/simulators/anakam/index.js';
import { ANAKAM_USERS, AnakamApiClient, startAnakam } from './helpers.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('tfa simulator: Basic auth on every API call', () => {
  let sim: AnakamSimulator;
  let client: AnakamApiClient;
  let authKey: string;
  beforeEach(async () => {
    ({ sim, client } = await startAnakam({ apiUser: 'gw-api', apiPassword: 'right-password' }));
    authKey = await client.newKey('alice');
  });
  afterEach(() => sim.close());

  const refused = ['', 'Bearer abc', basic('gw-api', 'wrong-password'), basic('other', 'right-password'), basic('gw-api', 'right-password2'), 'Basic !!!'];

  it('answers 401 with an empty body and a Basic challenge on auth', async () => {
    for (const header of refused) {
      const reply = await new AnakamApiClient(sim, header).authKey('alice');
      expect(reply.status, header).to.equal(401);
      expect(reply.body, header).to.equal('');
      expect(reply.headers.get('www-authenticate')).to.match(/^Basic realm=/);
    }
  });

  it('answers 401 on challenges too, before it looks at the key', async () => {
    for (const header of refused) {
      const reply = await new AnakamApiClient(sim, header).challenge(authKey, 'SELECT_METHOD', { method: 'EMAIL' });
      expect(reply.status, header).to.equal(401);
      expect(reply.body).to.equal('');
    }
    expect((await new AnakamApiClient(sim, '').challenge('no-such-key', 'COMPLETE')).status).to.equal(401);
    // None of the refused calls reached the key.
    expect((await client.challenge(authKey, 'SELECT_METHOD', { method: 'EMAIL' })).values.get('status')).to.equal('METHOD_SELECTED');
  });

  it('accepts the configured credentials', async () => {
    expect((await new AnakamApiClient(sim, basic('gw-api', 'right-password')).authKey('alice')).status).to.equal(200);
  });

  it('makes up a random API password per instance when none is given', () => {
    const a = createAnakamSimulator({ users: ANAKAM_USERS });
    const b = createAnakamSimulator({ users: ANAKAM_USERS });
    expect(a.apiUser).to.equal('factorgate');
    expect(a.apiPassword).to.have.length.greaterThan(20);
    expect(a.apiPassword).not.to.equal(b.apiPassword);
  });
});
