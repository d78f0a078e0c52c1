import { expect } from 'chai';
import { z } from 'zod';
import { LdapFirstFactor, LdapUnavailableError, type FirstFactorOutcome } from '../../src/ldap/first_factor.js';
import { escapeDnValue } from '../../src/ldap/escape.js';
import { ldapConfigSchema, type LdapConfigInput } from '../../src/ldap/config.js';
import { directory, startSlapd, type Slapd } from '../helpers/slapd.js';
import { countingRelay } from '../helpers/tcp_relay.js';
import { waitFor } from '../helpers/wait.js';

const { users, service, shadowAlice, groups } = directory;
const FAIL: FirstFactorOutcome = { outcome: 'fail', reason: 'invalid_credentials' };

/** Awaits the LdapUnavailableError a check must throw, and that nothing in it shows a password. */
async function unavailable(check: Promise<unknown>, ...passwords: string[]): Promise<LdapUnavailableError> {
  const err = await check.then(() => undefined, (e: unknown) => e);
  expect(err).to.be.instanceOf(LdapUnavailableError);
  const error = err as LdapUnavailableError;
  const shown = JSON.stringify({ message: error.message, detail: error.detail, extra: error.extra, stack: error.stack });
  for (const password of passwords) expect(shown).not.to.include(password);
  return error;
}

describe('LDAP first factor (src/ldap/first_factor.ts) against a real slapd', function () {
  this.timeout(15_000);
  let slapd: Slapd;
  before(async () => { slapd = await startSlapd({ tls: true }); });
  after(async () => { await slapd?.stop(); });

  const directBind = (over: Partial<LdapConfigInput> = {}) => new LdapFirstFactor(ldapConfigSchema.parse({
    enabled: true, url: slapd.url, userDnTemplate: `uid={username},ou=people,${directory.suffix}`, ...over,
  }));
  const searchThenBind = (over: Partial<LdapConfigInput> = {}) => new LdapFirstFactor(ldapConfigSchema.parse({
    enabled: true, url: slapd.url, bindDn: service.dn, bindPassword: service.password,
    searchBase: `ou=people,${directory.suffix}`, searchFilter: '(&(objectClass=inetOrgPerson)(uid={username}))', ...over,
  }));

  for (const [mode, make] of [['direct bind', directBind], ['search then bind', searchThenBind]] as const) {
    describe(mode, () => {
      it('the right password succeeds with the DN, the account name and the groups (alice is in admins and staff)', async () => {
        expect(await make().verify('alice', users.alice.password)).to.deep.equal({ outcome: 'success', dn: users.alice.dn, account: 'alice', groups: [groups.admins, groups.staff] });
      });

      it('gives the account name as the directory keeps it (ldap.accountAttribute), not as typed', async () => {
        // slapd matches uid without regard to case: the typed ALICE binds as alice's entry.
        expect(await make().verify('ALICE', users.alice.password)).to.have.property('account', 'alice');
        expect(await make({ accountAttribute: 'employeeNumber' }).verify('bob', users.bob.password)).to.have.property('account', users.bob.employeeNumber);
      });

      it('fails closed (read_account) when the entry has no account attribute: a key is never guessed', async () => {
        const thrown = await make({ accountAttribute: 'departmentNumber' }).verify('alice', users.alice.password).catch((err: unknown) => err);
        expect(thrown).to.be.instanceOf(LdapUnavailableError).and.have.nested.property('extra.step', 'read_account');
      });

      it('the group attribute is found whatever the case of its configured name', async () => {
        expect(await make({ groupAttribute: 'MEMBEROF' }).verify('carol', users.carol.password)).to.have.deep.property('groups', [groups.staff]);
      });

      it('bob succeeds with no groups, carol with staff only (not admins)', async () => {
        expect(await make().verify('bob', users.bob.password)).to.deep.equal({ outcome: 'success', dn: users.bob.dn, account: 'bob', groups: [] });
        expect(await make().verify('carol', users.carol.password)).to.deep.equal({ outcome: 'success', dn: users.carol.dn, account: 'carol', groups: [groups.staff] });
      });

      it('a wrong password fails as invalid_credentials', async () => {
        expect(await make().verify('alice', 'not-alice-password')).to.deep.equal(FAIL);
        expect(await make().verify('alice', users.bob.password)).to.deep.equal(FAIL);
      });

      it('an unknown user fails exactly as a wrong password does (no user enumeration)', async () => {
        expect(await make().verify('nobody', 'whatever-password')).to.deep.equal(FAIL);
      });

      it('RFC 4514/4515 injection in the user name reaches no other entry', async () => {
        const attempts: [string, string][] = [
          ['*', users.alice.password], ['al*', users.alice.password], ['alice)(uid=*', users.alice.password],
          ['*)(uid=alice', users.alice.password], ['alice)(|(uid=*', users.alice.password], ['alice\\', users.alice.password],
          ['al\\2a', users.alice.password], ['alice\\29', users.alice.password], ['$&', users.alice.password], ["$'", users.alice.password],
          ['alice,ou=admins', shadowAlice.password], ['alice+ou=admins', shadowAlice.password], [' alice,ou=admins', shadowAlice.password],
        ];
        for (const [username, password] of attempts) {
          expect(await make().verify(username, password), username).to.deep.equal(FAIL);
        }
      });

      it('a user name holding every special character is escaped, not refused, and still signs in', async () => {
        const outcome = await make().verify(users.tricky.uid, users.tricky.password);
        expect(outcome.outcome).to.equal('success');
        expect(await make().verify(users.tricky.uid, users.alice.password)).to.deep.equal(FAIL);
      });
    });
  }

  describe('refused before any connection', () => {
    it('an empty password, NUL, control characters or non-strings fail without a single connection (RFC 4513 §5.1.2)', async () => {
      const relay = await countingRelay(() => slapd.url);
      try {
        for (const mode of [directBind, searchThenBind]) {
          const check = mode({ url: relay.url });
          for (const [username, password] of [['alice', ''], ['alice\0', users.alice.password], ['alice\0x', users.alice.password], ['alice\n', users.alice.password],
            ['', users.alice.password], ['alice', 'alice-password\0'], [{ uid: 'alice' }, users.alice.password], ['alice', ['alice-password']], ['alice', undefined]] as const) {
            expect(await check.verify(username, password), JSON.stringify([username, password])).to.deep.equal(FAIL);
          }
        }
        expect(relay.made).to.equal(0);
        // The relay does see a real check, and the check closes its connection afterwards.
        expect(await directBind({ url: relay.url }).verify('alice', users.alice.password)).to.have.property('outcome', 'success');
        expect(relay.made).to.equal(1);
        await waitFor(() => relay.open === 0, 'the relay to see every LDAP connection closed');
      } finally {
        await relay.close();
      }
    });

    it('every check closes its connection: success, wrong password, unknown user, directory error', async () => {
      const relay = await countingRelay(() => slapd.url);
      try {
        await searchThenBind({ url: relay.url }).verify('alice', users.alice.password);
        await searchThenBind({ url: relay.url }).verify('alice', 'wrong-password');
        await directBind({ url: relay.url }).verify('nobody', 'wrong-password');
        await unavailable(searchThenBind({ url: relay.url, searchFilter: '(uid={username})' }).verify('alice', users.alice.password));
        expect(relay.made).to.equal(4);
        await waitFor(() => relay.open === 0, 'the relay to see every LDAP connection closed');
      } finally {
        await relay.close();
      }
    });
  });

  describe('directory trouble is LdapUnavailableError, never a fail', () => {
    it('a wrong service account password', async () => {
      const err = await unavailable(searchThenBind({ bindPassword: 'wrong-service-password' }).verify('alice', users.alice.password), 'wrong-service-password', users.alice.password);
      expect(err.extra).to.include({ step: 'service_bind', ldapCode: 49 });
      expect(err.code).to.equal('directory_unavailable');
    });

    it('a search that finds more than one entry (alice twice)', async () => {
      const err = await unavailable(searchThenBind({ searchFilter: '(uid={username})' }).verify('alice', users.alice.password), users.alice.password);
      expect(err.extra.step).to.equal('search');
    });

    it('a search base that does not exist', async () => {
      const err = await unavailable(searchThenBind({ searchBase: `ou=nowhere,${directory.suffix}` }).verify('alice', users.alice.password));
      expect(err.extra).to.include({ step: 'search', ldapCode: 32 });
    });

    it('ldaps:// with a certificate that does not verify; with its CA it signs in', async () => {
      await unavailable(directBind({ url: slapd.ldapsUrl }).verify('alice', users.alice.password), users.alice.password);
      expect(await directBind({ url: slapd.ldapsUrl, tls: { caFile: slapd.caFile } }).verify('alice', users.alice.password)).to.have.property('outcome', 'success');
    });

    // No wall-clock bounds (they flake on a loaded CI machine): which limit ended the check is
    // asserted instead, and a check that waited for a longer one would hit mocha's timeout.
    it('a directory that accepts connections but does not answer: ended by timeoutMs', async () => {
      await slapd.pause();
      try {
        const err = await unavailable(directBind({ timeoutMs: 300 }).verify('alice', users.alice.password), users.alice.password);
        expect(err.extra).to.deep.equal({ step: 'timeout', ms: 300 });
      } finally {
        slapd.resume();
      }
    });

    it('timeoutMs bounds the whole check, not each operation (three replies of 200 ms against 450 ms)', async () => {
      const relay = await countingRelay(() => slapd.url, 200);
      try {
        const err = await unavailable(searchThenBind({ url: relay.url, timeoutMs: 450 }).verify('alice', users.alice.password), users.alice.password);
        expect(err.extra).to.deep.equal({ step: 'timeout', ms: 450 });
        await waitFor(() => relay.open === 0, 'the relay to see every LDAP connection closed');
      } finally {
        await relay.close();
      }
    });

    it('the login deadline cuts the check shorter than timeoutMs, and a past deadline asks nothing', async () => {
      await slapd.pause();
      try {
        const err = await unavailable(searchThenBind({ timeoutMs: 60_000 }).verify('alice', users.alice.password, Date.now() + 200));
        expect(err.extra.step).to.equal('timeout');
        expect(err.extra.ms).to.be.at.most(200);
      } finally {
        slapd.resume();
      }
      const relay = await countingRelay(() => slapd.url);
      try {
        expect((await unavailable(directBind({ url: relay.url }).verify('alice', users.alice.password, Date.now() - 1))).extra.step).to.equal('timeout');
        expect(relay.made).to.equal(0);
      } finally {
        await relay.close();
      }
    });

    // Last: it stops the directory this file started.
    it('a stopped directory, at once: the refused connection, not the 60 s timeoutMs, ends the check', async () => {
      await slapd.stop();
      for (const [mode, step] of [[directBind, 'user_bind'], [searchThenBind, 'service_bind']] as const) {
        const err = await unavailable(mode({ timeoutMs: 60_000 }).verify('alice', users.alice.password), users.alice.password, service.password);
        expect(err.extra.step).to.equal(step);
        expect(err.detail).to.match(/ECONNREFUSED/);
      }
    });
  });
});

describe('LDAP first factor with StartTLS (ldap.tls.startTls) against a real slapd', function () {
  this.timeout(15_000);
  let slapd: Slapd;
  before(async () => { slapd = await startSlapd({ tls: true }); });
  after(async () => { await slapd?.stop(); });

  const startTls = (over: Partial<LdapConfigInput> = {}, tls: LdapConfigInput['tls'] = { caFile: slapd.caFile, startTls: true }) => new LdapFirstFactor(ldapConfigSchema.parse({
    enabled: true, url: slapd.url, bindDn: service.dn, bindPassword: service.password,
    searchBase: `ou=people,${directory.suffix}`, searchFilter: '(&(objectClass=inetOrgPerson)(uid={username}))', tls, ...over,
  }));

  it('with the directory\'s CA: the right password succeeds, a wrong one fails, and neither password crosses the wire in clear', async () => {
    const relay = await countingRelay(() => slapd.url);
    try {
      expect(await startTls({ url: relay.url }).verify('alice', users.alice.password)).to.deep.include({ outcome: 'success', dn: users.alice.dn });
      expect(await startTls({ url: relay.url }).verify('alice', 'wrong-password')).to.deep.equal(FAIL);
      expect(await startTls({ url: relay.url, userDnTemplate: `uid={username},ou=people,${directory.suffix}`, bindDn: undefined, bindPassword: undefined, searchBase: undefined, searchFilter: undefined })
        .verify('bob', users.bob.password)).to.have.property('outcome', 'success');
      const wire = relay.sent().toString('latin1');
      for (const secret of [users.alice.password, 'wrong-password', users.bob.password, service.password]) expect(wire).not.to.include(secret);
      // The same relay does see them without StartTLS: the check above can see a password.
      await startTls({ url: relay.url }, {}).verify('alice', users.alice.password);
      expect(relay.sent().toString('latin1')).to.include(users.alice.password).and.include(service.password);
    } finally {
      await relay.close();
    }
  });

  it('with the system CAs only (the directory\'s certificate is self-signed): fails closed at start_tls, before any bind', async () => {
    const relay = await countingRelay(() => slapd.url);
    try {
      const err = await unavailable(startTls({ url: relay.url }, { startTls: true }).verify('alice', users.alice.password), users.alice.password, service.password);
      expect(err.extra).to.include({ step: 'start_tls' });
      expect(err.detail).to.match(/self-signed/);
      expect(relay.sent().toString('latin1')).not.to.include(service.password).and.not.to.include(users.alice.password);
    } finally {
      await relay.close();
    }
  });

  it('a certificate for another name (reached as ::1, issued for 127.0.0.1 and localhost): fails closed at start_tls', async () => {
    const relay = await countingRelay(() => slapd.url, 0, '::1');
    try {
      const err = await unavailable(startTls({ url: relay.url }).verify('alice', users.alice.password), users.alice.password);
      expect(err.extra).to.include({ step: 'start_tls' });
      expect(err.detail).to.match(/altnames|does not match/i);
    } finally {
      await relay.close();
    }
  });

  it('a directory without TLS refuses StartTLS: fails closed at start_tls, with its LDAP result code', async () => {
    const plain = await startSlapd();
    try {
      const err = await unavailable(startTls({ url: plain.url }).verify('alice', users.alice.password), users.alice.password);
      expect(err.extra).to.include({ step: 'start_tls', ldapCode: 2 });
    } finally {
      await plain.stop();
    }
  });
});

describe('LDAP first factor: escapeDnValue (RFC 4514 §2.4)', () => {
  it('escapes the specials, a leading space or #, a trailing space, and NUL', () => {
    expect(escapeDnValue('a,b+c"d\\e<f>g;h=i')).to.equal('a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h\\=i');
    expect(escapeDnValue('#a#')).to.equal('\\#a#');
    expect(escapeDnValue(' a b ')).to.equal('\\ a b\\ ');
    expect(escapeDnValue(' ')).to.equal('\\ ');
    expect(escapeDnValue('a\0b')).to.equal('a\\00b');
    expect(escapeDnValue('Zoë*(x)')).to.equal('Zoë*(x)');
  });
});

describe('LDAP first factor: configuration (src/ldap/config.ts)', () => {
  const problems = (input: unknown) => {
    const result = ldapConfigSchema.safeParse(input);
    return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
  };
  const search = { bindDn: service.dn, bindPassword: 'x', searchBase: 'ou=people,dc=example,dc=org', searchFilter: '(uid={username})' };

  it('is off by default, with its defaults filled in', () => {
    expect(ldapConfigSchema.parse({})).to.deep.equal({ enabled: false, timeoutMs: 5000, tls: { rejectUnauthorized: true, startTls: false }, accountAttribute: 'uid', groupAttribute: 'memberOf' });
  });

  it('refuses tls.startTls with an ldaps:// URL, at that path and saying why; takes it with ldap://', () => {
    const result = ldapConfigSchema.safeParse({ enabled: true, url: 'ldaps://x:636', ...search, tls: { startTls: true } });
    expect(result.success).to.equal(false);
    expect(result.error!.issues.map((issue) => [issue.path.join('.'), issue.message])).to.deep.equal([
      ['tls.startTls', 'only for ldap:// URLs: an ldaps:// URL is already TLS (set startTls to false, or use ldap://)'],
    ]);
    expect(problems({ enabled: false, url: 'LDAPS://x', tls: { startTls: true } })).to.deep.equal(['tls.startTls']);
    expect(problems({ enabled: true, url: 'ldap://x', ...search, tls: { startTls: true } })).to.deep.equal([]);
  });

  it('reports what is missing when enabled, by path', () => {
    expect(problems({ enabled: true })).to.deep.equal(['url', 'userDnTemplate']);
    expect(problems({ enabled: true, url: 'ldap://x', bindDn: 'cn=x' })).to.deep.equal(['bindPassword', 'searchBase', 'searchFilter']);
    expect(problems({ enabled: true, url: 'ldap://x', userDnTemplate: 'uid={username},dc=x', searchBase: 'dc=x' })).to.deep.equal(['searchBase']);
    expect(problems({ enabled: true, url: 'ldaps://x:636', ...search })).to.deep.equal([]);
  });

  it('refuses other URL schemes, DN templates without exactly one {username}, filters without one or without parentheses', () => {
    expect(problems({ url: 'http://x' })).to.deep.equal(['url']);
    expect(problems({ enabled: true, url: 'ldap://x', userDnTemplate: 'uid=alice,dc=x' })).to.deep.equal(['userDnTemplate']);
    expect(problems({ enabled: true, url: 'ldap://x', ...search, searchFilter: 'uid={username}' })).to.deep.equal(['searchFilter']);
    expect(problems({ enabled: true, url: 'ldap://x', ...search, searchFilter: '(objectClass=person)' })).to.deep.equal(['searchFilter']);
    expect(problems({ enabled: true, url: 'ldap://x', userDnTemplate: 'uid={username},ou={username}' })).to.deep.equal(['userDnTemplate']);
    expect(problems({ enabled: true, url: 'ldap://x', ...search, searchFilter: '(|(uid={username})(mail={username}))' })).to.deep.equal([]);
  });

  it('documents every key (for the configuration reference)', () => {
    type Node = { properties?: Record<string, Node>; description?: string };
    const walk = (node: Node, path: string): string[] => Object.entries(node.properties ?? {})
      .flatMap(([key, child]) => [...(child.description ? [] : [`${path}${key}`]), ...walk(child, `${path}${key}.`)]);
    expect(walk(z.toJSONSchema(ldapConfigSchema, { io: 'input' }) as Node, '')).to.deep.equal([]);
  });
});
