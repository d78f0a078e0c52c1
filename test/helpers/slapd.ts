import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { freePort, freeze, killProcess } from './processes.js';

// A real OpenLDAP slapd (Debian packages slapd, ldap-utils; openssl for the ldaps certificate),
// run from a generated slapd.conf in a temporary directory on a free 127.0.0.1 port. It never
// touches /etc/ldap (only reads the schema files there) nor the system's slapd. `-d none` keeps
// it in the foreground and prints only its own errors; no `-u`/`-g` is needed, as root or not.

const SLAPD = process.env.SLAPD ?? '/usr/sbin/slapd';
const SCHEMA_DIR = process.env.SLAPD_SCHEMA_DIR ?? '/etc/ldap/schema';
const MODULE_DIR = process.env.SLAPD_MODULE_DIR ?? '/usr/lib/ldap';

const SUFFIX = 'dc=example,dc=org';
/** employeeNumber: a second name the directory keeps for the user, unlike the uid (for ldap.accountAttribute). */
const person = (uid: string, password: string) => ({ uid, password, dn: `uid=${uid},ou=people,${SUFFIX}`, employeeNumber: `E-${uid.toUpperCase()}-7` });

/** What the directory holds. Groups are groupOfNames; memberOf comes from the memberof overlay. */
export const directory = {
  suffix: SUFFIX,
  root: { dn: `cn=admin,${SUFFIX}`, password: 'root-password' },
  service: { dn: `cn=factorgate,ou=services,${SUFFIX}`, password: 'service-password' },
  users: {
    alice: person('alice', 'alice-password'),
    bob: person('bob', 'bob-password'),
    carol: person('carol', 'carol-password'),
    /** Every character RFC 4514 and RFC 4515 make special, in a real user's name. */
    tricky: { uid: '#eve+ops,<"x">;y\\z*(q)=1', employeeNumber: 'E-TRICKY-7', password: 'tricky-password', dn: `uid=\\#eve\\+ops\\,\\<\\"x\\"\\>\\;y\\\\z*(q)\\=1,ou=people,${SUFFIX}` },
  },
  /** A second `alice` (not a person) below ou=people: what an injected `,ou=admins` would reach. */
  shadowAlice: { uid: 'alice', password: 'shadow-password', dn: `uid=alice,ou=admins,ou=people,${SUFFIX}` },
  groups: { admins: `cn=admins,ou=groups,${SUFFIX}`, staff: `cn=staff,ou=groups,${SUFFIX}` },
  /** Holds factorgate's OTP devices; only the service account may write it. */
  otpDeviceAttribute: 'description',
} as const;

export type Slapd = {
  url: string;
  /** ldaps:// on a second port, with a self-signed certificate for 127.0.0.1 (when started with tls). */
  ldapsUrl?: string;
  caFile?: string;
  /** Kills slapd (SIGKILL) and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
  /**
   * Freezes slapd (SIGSTOP): connections are accepted by the kernel but nothing answers. Resolves
   * once every thread is stopped: on a busy machine a thread can still answer a request after
   * kill() returns, so a test that asks at once would race the signal.
   */
  pause(): Promise<void>;
  resume(): void;
};

export async function startSlapd(options: { tls?: boolean } = {}): Promise<Slapd> {
  const dir = mkdtempSync(join(tmpdir(), 'factorgate-slapd-'));
  mkdirSync(join(dir, 'db'));
  const port = await freePort();
  const tlsPort = options.tls ? await freePort() : undefined;
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = tlsPort === undefined ? undefined : `ldaps://127.0.0.1:${tlsPort}`;
  if (options.tls) makeCertificate(dir);
  writeFileSync(join(dir, 'slapd.conf'), slapdConf(dir, Boolean(options.tls)));

  const child = spawn(SLAPD, ['-f', join(dir, 'slapd.conf'), '-h', [url, ldapsUrl].filter(Boolean).join(' '), '-d', 'none'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    await killProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([answers(url, 5000), exited(child)]);
    await seed(url);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    ...(ldapsUrl ? { ldapsUrl, caFile: join(dir, 'cert.pem') } : {}),
    stop,
    pause: () => freeze(child, 'slapd'),
    resume: () => void child.kill('SIGCONT'),
  };
}

function slapdConf(dir: string, tls: boolean): string {
  return [
    ...['core', 'cosine', 'inetorgperson'].map((name) => `include ${SCHEMA_DIR}/${name}.schema`),
    `pidfile ${dir}/slapd.pid`,
    `argsfile ${dir}/slapd.args`,
    `modulepath ${MODULE_DIR}`,
    'moduleload back_mdb',
    'moduleload memberof',
    ...(tls ? [`TLSCertificateFile ${dir}/cert.pem`, `TLSCertificateKeyFile ${dir}/key.pem`] : []),
    'database mdb',
    `suffix "${SUFFIX}"`,
    `rootdn "${directory.root.dn}"`,
    `rootpw ${ssha(directory.root.password)}`,
    `directory ${dir}/db`,
    'maxsize 10485760',
    // As a real directory: passwords only usable to bind, nothing readable without binding.
    'access to attrs=userPassword by anonymous auth by self =xw by * none',
    // The OTP device store (src/otp/ldap_device_store.ts) writes its attribute as the service account.
    `access to attrs=${directory.otpDeviceAttribute} by dn.exact="${directory.service.dn}" write by users read by * none`,
    'access to * by users read by * none',
    // memberof maintains memberOf on the members when groups are added over LDAP (not by slapadd).
    'overlay memberof',
    '',
  ].join('\n');
}

/** {SSHA}: SHA-1 of password + salt, then the salt, in base64 (what slappasswd makes). */
function ssha(password: string): string {
  const salt = randomBytes(8);
  return `{SSHA}${Buffer.concat([createHash('sha1').update(password).update(salt).digest(), salt]).toString('base64')}`;
}

function makeCertificate(dir: string): void {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' });
}

async function seed(url: string): Promise<void> {
  const client = new Client({ url, timeout: 5000 });
  const ou = (name: string, parent = SUFFIX) => client.add(`ou=${name},${parent}`, { objectClass: 'organizationalUnit', ou: name });
  try {
    await client.bind(directory.root.dn, directory.root.password);
    await client.add(SUFFIX, { objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example' });
    for (const name of ['people', 'groups', 'services']) await ou(name);
    await ou('admins', `ou=people,${SUFFIX}`);
    for (const user of Object.values(directory.users)) {
      await client.add(user.dn, { objectClass: 'inetOrgPerson', uid: user.uid, cn: user.uid, sn: user.uid, employeeNumber: user.employeeNumber, userPassword: ssha(user.password) });
    }
    const { shadowAlice, service, users, groups } = directory;
    await client.add(shadowAlice.dn, { objectClass: ['account', 'simpleSecurityObject'], uid: 'alice', userPassword: ssha(shadowAlice.password) });
    await client.add(service.dn, { objectClass: ['organizationalRole', 'simpleSecurityObject'], cn: 'factorgate', userPassword: ssha(service.password) });
    await client.add(groups.admins, { objectClass: 'groupOfNames', cn: 'admins', member: [users.alice.dn] });
    await client.add(groups.staff, { objectClass: 'groupOfNames', cn: 'staff', member: [users.alice.dn, users.carol.dn] });
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** Resolves once slapd accepts a bind as its rootdn (nothing is seeded yet, so that is the test). */
async function answers(url: string, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const client = new Client({ url, timeout: 500, connectTimeout: 500 });
    try {
      await client.bind(directory.root.dn, directory.root.password);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`slapd at ${url} did not answer within ${withinMs} ms: ${(err as Error).message}`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 25));
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
}

/** Linux: every task of the process is in state T (stopped). */
function exited(child: ChildProcess): Promise<never> {
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const gone = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`slapd exited (${code ?? signal}) before answering:\n${output}`)));
  });
  gone.catch(() => undefined); // it also rejects when stop() kills slapd later: nobody waits then
  return gone;
}
