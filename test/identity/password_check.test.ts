import { expect } from 'chai';
import { FactorgateError } from '../../src/errors.js';
import { UserNames, userNamesSchema } from '../../src/identity/user_names.js';
import { passwordCheck } from '../../src/identity/password_check.js';

describe('/manageotp password check (src/identity/password_check.ts)', () => {
  const client = { ip: '192.0.2.1' };
  const userNames = new UserNames(userNamesSchema.parse({}));
  const alice = userNames.fromTyped('alice');
  const refusing = { replay: async () => { throw new Error('the gateway must not be asked when LDAP is there'); } };

  it('uses the LDAP bind when there is one: success gives the user as the directory names them, a refusal nothing', async () => {
    const check = passwordCheck({
      userNames,
      ldap: { verify: async (u: unknown, p: unknown) => (u === 'alice' && p === 'pw' ? { outcome: 'success', dn: 'uid=alice', account: 'Alice.Smith', groups: [] } : { outcome: 'fail', reason: 'invalid_credentials' }) },
      replayer: refusing,
    });
    expect(await check(alice, 'pw', client)).to.deep.equal({ key: 'alice.smith', realm: '', forGateway: 'alice.smith' });
    expect(await check(alice, 'nope', client)).to.equal(undefined);
    expect(await check(userNames.fromTyped('nobody'), 'pw', client)).to.equal(undefined);
  });

  it('else replays to the gateway: refused is nothing, a gateway that cannot answer throws', async () => {
    let answer: 'ok' | 'refused' | 'down' = 'ok';
    const replayed: string[] = [];
    const check = passwordCheck({
      userNames,
      replayer: {
        replay: async (username: string) => {
          replayed.push(username);
          if (answer === 'refused') throw new FactorgateError('gateway_refused');
          if (answer === 'down') throw new FactorgateError('gateway_unavailable');
          return { cookies: [], location: '/' };
        },
      },
    });
    expect(await check(alice, 'pw', client)).to.equal(alice);
    answer = 'refused';
    expect(await check(alice, 'pw', client)).to.equal(undefined);
    answer = 'down';
    const thrown = await check(alice, 'pw', client).catch((err: unknown) => err);
    expect(thrown).to.be.instanceOf(FactorgateError).and.have.property('code', 'gateway_unavailable');
    expect(replayed).to.deep.equal(['alice', 'alice', 'alice']);
  });
});
