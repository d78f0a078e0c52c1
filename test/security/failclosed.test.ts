import { expect } from 'chai';
import nock from 'nock';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { ANAKAM_URL } from '../helpers/config.js';

describe('security: failing closed', () => {
  let h: Harness;
  afterEach(async () => { await h.close(); });

  it('while the two-factor server hangs, logins fail with a page and everyone else is still served', async () => {
    h = await startHarness({ anakam: { timeoutMs: 800 } });
    nock(ANAKAM_URL).post(/auth/).query(true).times(5).delay(5000).reply(200, '');
    let loginsAnswered = 0;
    const logins = Array.from({ length: 5 }, () => startLogin(h.browser(), 'alice', 'alice-pw').finally(() => { loginsAnswered += 1; }));
    const others = await Promise.all(Array.from({ length: 20 }, () => h.browser().get('/echo')));
    // Pass-through was answered while every login still waited on the hanging server.
    expect(loginsAnswered).to.equal(0);
    expect(others.every((r) => r.status === 200)).to.equal(true);
    for (const reply of await Promise.all(logins)) {
      expect(reply.status).to.equal(503);
      expect(reply.json().code).to.equal('tfa_unavailable');
    }
    expect(h.gateway.logins).to.have.length(0);
  });

  it('a garbage reply in the middle of a login ends it with no session', async () => {
    h = await startHarness();
    nock(ANAKAM_URL).post(/auth/).query(true).reply(200, '<authResponse><authKey>abcdefgh-1234</authKey><status>TOKEN_CREATED</status></authResponse>');
    nock(ANAKAM_URL).put(/challenge/).reply(200, '<errorResponse><status>AUTHENTICATED</status></errorResponse>');
    const reply = await startLogin(h.browser(), 'alice', 'alice-pw');
    expect(reply.json().code).to.equal('tfa_protocol');
    expect(reply.setCookies.some((c) => c.startsWith('NSC_'))).to.equal(false);
  });
});
