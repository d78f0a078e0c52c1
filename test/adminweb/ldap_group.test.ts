import { expect } from 'chai';
import { directory, startSlapd, type Slapd } from '../helpers/slapd.js';
import { csrfOf, follow, postPassword, startAdmin, type AdminUnderTest } from './helpers.js';

// Administrators by directory group (admin.ldapGroup), against a real slapd: the groups come from
// the same LDAP bind that checks the password (ldap.groupAttribute, memberOf).

describe('/admin with admin.ldapGroup, on a real slapd', function () {
  this.timeout(30_000);
  let slapd: Slapd;
  let admin: AdminUnderTest;
  before(async () => { slapd = await startSlapd(); });
  after(async () => { await slapd?.stop(); });
  beforeEach(async () => {
    admin = await startAdmin({
      ldap: { enabled: true, url: slapd.url, userDnTemplate: 'uid={username},ou=people,dc=example,dc=org' },
      admin: { web: { enabled: true }, ldapGroup: directory.groups.admins.toUpperCase(), auditFile: undefined },
    });
  });
  afterEach(() => admin.close());

  async function bothFactors(user: 'alice' | 'bob') {
    const browser = admin.h.browser();
    const codePage = await follow(browser, await postPassword(browser, user, directory.users[user].password));
    return browser.post('/admin/code', { code: admin.codeOf(user), csrf: csrfOf(codePage.body) });
  }

  it('lets in a member of the group, with the directory\'s password and her own code', async () => {
    const reply = await bothFactors('alice');
    expect(reply.headers.get('location')).to.equal('/admin');
    expect(admin.h.logs.lines.find((l) => l.event === 'admin_signin')).to.deep.include({ user: 'alice' });
  });

  it('refuses one who is not in it, after both factors, with a page saying so', async () => {
    const reply = await bothFactors('bob');
    expect(reply.status).to.equal(403);
    expect(reply.body).to.contain('not an administrator');
    expect(admin.h.logs.lines.find((l) => l.event === 'admin_signin_refused')).to.deep.include({ user: 'bob', reason: 'not_administrator' });
  });

  it('refuses the gateway\'s password where the directory checks it', async () => {
    const reply = await postPassword(admin.h.browser(), 'alice', 'alice-pw');
    expect(reply.status).to.equal(200);
    expect(reply.body).to.contain('The user name or password is not right');
  });
});
