import { expect } from 'chai';
import { FactorgateError } from '../../src/errors.js';
import { passwordCheck } from '../../src/manage/password_check.js';

describe('/manageotp password check (src/manage/password_check.ts)', () => {
  const client = { ip: '192.0.2.1' };
  const refusing = { replay: async () => { throw new Error('the gateway must not be asked when LDAP is there'); } };

  it('uses the LDAP bind when there is one: success is true, a refusal false', async () => {
    const check = passwordCheck({
      ldap: { verify: async (u: unknown, p: unknown) => (u === 'alice' && p === 'pw' ? { outcome: 'success', dn: 'uid=alice', groups: [] } : { outcome: 'fail', reason: 'invalid_credentials' }) },
      replayer: refusing,
    });
    expect(await check('alice', 'pw', client)).to.equal(true);
    expect(await check('alice', 'nope', client)).to.equal(false);
    expect(await check('nobody', 'pw', client)).to.equal(false);
  });

  it('else replays to the gateway: refused is false, a gateway that cannot answer throws', async () => {
    let answer: 'ok' | 'refused' | 'down' = 'ok';
    const check = passwordCheck({
      replayer: {
        replay: async () => {
          if (answer === 'refused') throw new FactorgateError('gateway_refused');
          if (answer === 'down') throw new FactorgateError('gateway_unavailable');
          return { cookies: [], location: '/' };
        },
      },
    });
    expect(await check('alice', 'pw', client)).to.equal(true);
    answer = 'refused';
    expect(await check('alice', 'pw', client)).to.equal(false);
    answer = 'down';
    const thrown = await check('alice', 'pw', client).catch((err: unknown) => err);
    expect(thrown).to.be.instanceOf(FactorgateError).and.have.property('code', 'gateway_unavailable');
  });
});
