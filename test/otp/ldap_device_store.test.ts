import { expect } from 'chai';
import { Attribute, Change, Client } from 'ldapts';
import { asFactorgateError } from '../../src/errors.js';
import { newDeviceId } from '../../src/otp/device_store.js';
import { LdapDeviceStore, type LdapDeviceStoreOptions } from '../../src/otp/ldap_device_store.js';
import { openDeviceStore } from '../../src/otp/open_device_store.js';
import { otpConfigSchema } from '../../src/otp/otp_config.js';
import { sealSecret } from '../../src/otp/secrets.js';
import { Totp } from '../../src/otp/totp.js';
import { Keyring } from '../../src/security/keyring.js';
import { FakeClock } from '../helpers/clock.js';
import { directory, startSlapd, type Slapd } from '../helpers/slapd.js';
import { countingRelay } from '../helpers/tcp_relay.js';
import { deviceStoreContract } from './helpers/device_store_contract.js';

const { users, service, root, otpDeviceAttribute } = directory;
const ATTRIBUTE = otpDeviceAttribute;

let slapd: Slapd;
before(async function () {
  this.timeout(20_000);
  slapd = await startSlapd({ tls: true }); // TLS for the StartTLS tests; the others use plain ldap://
});
after(async () => slapd?.stop());

const optionsFor = (clock: FakeClock, extra: Partial<LdapDeviceStoreOptions> = {}): LdapDeviceStoreOptions => ({
  url: slapd.url, bindDn: service.dn, bindPassword: service.password, attribute: ATTRIBUTE, timeoutMs: 3000,
  searchBase: `ou=people,${directory.suffix}`, searchFilter: '(&(objectClass=inetOrgPerson)(uid={username}))', clock, ...extra,
});

/** The attribute's values as the directory holds them, read as the rootdn. */
async function rawValues(dn: string): Promise<string[]> {
  const client = new Client({ url: slapd.url });
  try {
    await client.bind(root.dn, root.password);
    const { searchEntries } = await client.search(dn, { scope: 'base', attributes: [ATTRIBUTE] });
    const value = searchEntries[0]?.[ATTRIBUTE] ?? [];
    return (Array.isArray(value) ? value : [value]).map(String);
  } finally {
    await client.unbind();
  }
}

async function asRoot(dn: string, changes: Change[]): Promise<void> {
  const client = new Client({ url: slapd.url });
  try {
    await client.bind(root.dn, root.password);
    await client.modify(dn, changes);
  } finally {
    await client.unbind();
  }
}

/** Every test starts from entries without the attribute. */
async function clearAttribute(): Promise<void> {
  for (const user of [users.alice, users.bob, users.tricky]) {
    if ((await rawValues(user.dn)).length > 0) await asRoot(user.dn, [new Change({ operation: 'replace', modification: new Attribute({ type: ATTRIBUTE, values: [] }) })]);
  }
}

deviceStoreContract('LDAP device store (search for the entry)', { alice: users.alice.uid, bob: users.bob.uid }, async () => {
  await clearAttribute();
  const clock = new FakeClock();
  return { store: new LdapDeviceStore(optionsFor(clock)), clock, another: async () => new LdapDeviceStore(optionsFor(clock)) };
});

deviceStoreContract('LDAP device store (DN template, names RFC 4514 and 4515 make special)', { alice: users.tricky.uid, bob: users.bob.uid }, async () => {
  await clearAttribute();
  const clock = new FakeClock();
  const template = { userDnTemplate: `uid={username},ou=people,${directory.suffix}` };
  return { store: new LdapDeviceStore(optionsFor(clock, template)), clock, another: async () => new LdapDeviceStore(optionsFor(clock, template)) };
});

/** The store as factorgate opens it from otp.ldap, upgrading the service account's connection with StartTLS. */
const startTlsStore = (clock: FakeClock, tls: Record<string, unknown> = { caFile: slapd.caFile, startTls: true }) => openDeviceStore(otpConfigSchema.parse({
  enabled: true, store: 'ldap', ldap: {
    url: slapd.url, bindDn: service.dn, bindPassword: service.password, attribute: ATTRIBUTE, timeoutMs: 3000,
    searchBase: `ou=people,${directory.suffix}`, searchFilter: '(&(objectClass=inetOrgPerson)(uid={username}))', tls,
  },
}), clock);

deviceStoreContract('LDAP device store (StartTLS, opened from otp.ldap)', { alice: users.alice.uid, bob: users.bob.uid }, async () => {
  await clearAttribute();
  const clock = new FakeClock();
  return { store: await startTlsStore(clock), clock, another: () => startTlsStore(clock) };
});

describe('LDAP device store with StartTLS (otp.ldap.tls.startTls)', function () {
  this.timeout(20_000);
  const clock = new FakeClock();
  beforeEach(clearAttribute);

  it('with the directory\'s CA: lists and adds a device', async () => {
    const store = await startTlsStore(clock);
    try {
      expect(await store.list('alice')).to.deep.equal([]);
      const added = await store.add('alice', { id: newDeviceId(), name: 'Phone', sealedSecret: 'sealed' });
      expect(await store.list('alice')).to.deep.equal([added]);
      expect(await rawValues(users.alice.dn)).to.have.length(1);
    } finally {
      await store.close();
    }
  });

  it('with the system CAs only (a self-signed certificate): fails closed at start_tls, adding nothing', async () => {
    const store = await startTlsStore(clock, { startTls: true });
    try {
      const err = await store.add('alice', { id: newDeviceId(), name: 'Phone', sealedSecret: 'sealed' }).then(() => undefined, (e: unknown) => e);
      expect(asFactorgateError(err).code).to.equal('store_unavailable');
      expect((err as Error).message).to.match(/add failed: start_tls: .*self-signed/);
      expect(JSON.stringify({ m: (err as Error).message, s: (err as Error).stack })).not.to.include(service.password);
      expect(await rawValues(users.alice.dn)).to.deep.equal([]);
    } finally {
      await store.close();
    }
  });

  it('a directory without TLS refuses StartTLS: fails closed at start_tls', async () => {
    const plain = await startSlapd();
    try {
      const store = new LdapDeviceStore(optionsFor(clock, { url: plain.url, startTlsOptions: { host: '127.0.0.1' } }));
      const err = await store.list('alice').then(() => undefined, (e: unknown) => e);
      expect(asFactorgateError(err).code).to.equal('store_unavailable');
      expect((err as Error).message).to.match(/list failed: start_tls: ProtocolError/);
    } finally {
      await plain.stop();
    }
  });
});

describe('LDAP device store (src/otp/ldap_device_store.ts) against a real slapd', function () {
  this.timeout(20_000);
  const clock = new FakeClock();
  let store: LdapDeviceStore;
  beforeEach(async () => {
    await clearAttribute();
    store = new LdapDeviceStore(optionsFor(clock));
  });
  afterEach(() => store.close());

  it('keeps one value per device in the user\'s own entry: compact JSON with the secret sealed', async () => {
    const keyring = new Keyring('otp-test-secret-0123456789-abcdefghijk');
    const secret = new Totp().generateSecret();
    const id = newDeviceId();
    await store.add('alice', { id, name: 'Phone', sealedSecret: sealSecret(keyring, 'alice', id, secret) });
    await store.add('alice', { id: newDeviceId(), name: 'Tablet', sealedSecret: 'sealed' });
    const values = await rawValues(users.alice.dn);
    expect(values).to.have.length(2);
    const phone = JSON.parse(values.find((v) => v.includes(id))!) as Record<string, unknown>;
    expect(phone).to.include({ type: 'factorgate-otp', v: 1, id, user: 'alice', name: 'Phone', active: false });
    expect(values.join('\n')).not.to.include(secret);
    expect(values.join('\n')).not.to.include(secret.slice(0, 12));
    expect(values.every((v) => !/\s/.test(v.replace('Phone', '').replace('Tablet', '')))).to.equal(true);
    expect(await rawValues(users.bob.dn)).to.deep.equal([]);
  });

  it('leaves the attribute\'s other values alone (a real description stays)', async () => {
    await asRoot(users.alice.dn, [new Change({ operation: 'add', modification: new Attribute({ type: ATTRIBUTE, values: ['Head of sales', '{"json":"but not ours"}'] }) })]);
    const added = await store.add('alice', { id: newDeviceId(), name: 'Phone', sealedSecret: 'sealed' });
    expect(await store.list('alice')).to.deep.equal([added]);
    await store.recordUse('alice', added.id, 7, 7);
    await store.remove('alice', added.id);
    expect((await rawValues(users.alice.dn)).sort()).to.deep.equal(['Head of sales', '{"json":"but not ours"}'].sort());
  });

  it('ignores a device value copied into another user\'s entry', async () => {
    const added = await store.add('alice', { id: newDeviceId(), name: 'Phone', sealedSecret: 'sealed' });
    const [value] = await rawValues(users.alice.dn);
    await asRoot(users.bob.dn, [new Change({ operation: 'add', modification: new Attribute({ type: ATTRIBUTE, values: [value!] }) })]);
    expect(await store.list('bob')).to.deep.equal([]);
    expect(await store.recordUse('bob', added.id, 1, 1)).to.equal(false);
  });

  it('finds the entry whatever the case of the name, and keeps the device\'s own user', async () => {
    const added = await store.add('alice', { id: newDeviceId(), name: 'Phone', sealedSecret: 'sealed' });
    expect(await store.list('ALICE')).to.deep.equal([added]);
    expect(await store.recordUse('Alice', added.id, 9, 9)).to.equal(true);
  });

  it('refuses to add a device for a user with no entry, as a store failure', async () => {
    const err = await store.add('nobody', { id: newDeviceId(), name: 'Phone', sealedSecret: 'sealed' }).then(() => undefined, (e: unknown) => e);
    expect(asFactorgateError(err).code).to.equal('store_unavailable');
  });

  it('finds only the entry the filter names: not the shadow alice, nor through a name that injects into the filter', async () => {
    await store.add('alice', { id: newDeviceId(), name: 'Phone', sealedSecret: 'sealed' });
    expect(await store.list('alice')).to.have.length(1);
    expect(await store.list('*')).to.deep.equal([]);
    expect(await store.list('alice)(uid=*')).to.deep.equal([]);
  });

  it('fails closed when the service account may not write the attribute', async () => {
    const readOnly = new LdapDeviceStore(optionsFor(clock, { attribute: 'title' }));
    const err = await readOnly.add('alice', { id: newDeviceId(), name: 'Phone', sealedSecret: 'sealed' }).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(Error).with.property('message').that.matches(/InsufficientAccess/);
    expect(asFactorgateError(err).code).to.equal('store_unavailable');
  });

  it('fails closed, without the bind password in the error, when the directory is down or the password wrong', async () => {
    for (const options of [optionsFor(clock, { url: 'ldap://127.0.0.1:1' }), optionsFor(clock, { bindPassword: 'wrong-service-password' })]) {
      const err = await new LdapDeviceStore(options).list('alice').then(() => undefined, (e: unknown) => e);
      expect(asFactorgateError(err).code).to.equal('store_unavailable');
      expect(JSON.stringify({ m: (err as Error).message, s: (err as Error).stack })).not.to.include(options.bindPassword);
    }
  });

  it('refuses a configuration that cannot find the entry or names no attribute', () => {
    const base = { url: 'ldap://x', bindDn: 'cn=x', bindPassword: 'p' };
    expect(() => new LdapDeviceStore(base)).to.throw(RangeError);
    expect(() => new LdapDeviceStore({ ...base, userDnTemplate: 'uid=x,dc=y' })).to.throw(RangeError);
    expect(() => new LdapDeviceStore({ ...base, searchBase: 'dc=y', searchFilter: '(uid=x)' })).to.throw(RangeError);
    expect(() => new LdapDeviceStore({ ...base, userDnTemplate: 'uid={username}', attribute: 'description;binary' })).to.throw(RangeError);
  });

  it('makes a modify with a stale value fail: the directory refuses to delete a value no longer there', async () => {
    // What the store relies on: a second writer that read before the first wrote cannot win.
    const added = await store.add('alice', { id: newDeviceId(), name: 'Phone', sealedSecret: 'sealed' });
    const [stale] = await rawValues(users.alice.dn);
    expect(await store.recordUse('alice', added.id, 10, 10)).to.equal(true);
    const err = await asRoot(users.alice.dn, [
      new Change({ operation: 'delete', modification: new Attribute({ type: ATTRIBUTE, values: [stale!] }) }),
      new Change({ operation: 'add', modification: new Attribute({ type: ATTRIBUTE, values: [stale!.replace('"lastStep":10', '"lastStep":5')] }) }),
    ]).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(Error).with.property('name', 'NoSuchAttributeError');
    expect((await store.get('alice', added.id))!.lastStep).to.equal(10);
  });
});

// No wall-clock bounds: which limit ended the operation is asserted (ldapts's own per-request
// timeout says "Operation timed out"), and one that waited longer would hit mocha's timeout.
describe('LDAP device store against a slow or silent directory', function () {
  this.timeout(20_000);
  const clock = new FakeClock();
  const store = (extra: Partial<LdapDeviceStoreOptions>) => new LdapDeviceStore(optionsFor(clock, extra));
  const failure = (operation: Promise<unknown>) => operation.then(() => undefined, (e: unknown) => e as Error);

  it('a directory that answers each request just within timeoutMs: timeoutMs still bounds the whole operation, which fails closed', async () => {
    // The bind and the search are each answered after 300 ms, within 450 ms; the two together are not.
    const relay = await countingRelay(() => slapd.url, 300);
    try {
      const err = await failure(store({ url: relay.url, timeoutMs: 450 }).list('alice'));
      expect(asFactorgateError(err).code).to.equal('store_unavailable');
      expect(err?.message).to.include('no answer from the directory within 450 ms');
    } finally {
      await relay.close();
    }
  });

  it('a directory that accepts the connection and answers nothing: the operation ends at timeoutMs and fails closed', async () => {
    await slapd.pause();
    try {
      const err = await failure(store({ timeoutMs: 300 }).list('alice'));
      expect(asFactorgateError(err).code).to.equal('store_unavailable');
      expect(err?.message).to.include('no answer from the directory within 300 ms');
    } finally {
      slapd.resume();
    }
  });
});
