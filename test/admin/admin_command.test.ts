import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Secret, TOTP } from 'otpauth';
import fc from 'fast-check';
import { MAX_LOGINS_COUNTED, refOf, type LiveLogin } from '../../src/admin/actions.js';
import { loginsText, readAdminArgs, runAdminCommand } from '../../src/admin/command.js';
import { AdminAudit } from '../../src/admin/audit.js';
import { adminDeps, openAdmin } from '../../src/admin/open.js';
import type { AdminDeps } from '../../src/admin/deps.js';
import { systemClock } from '../../src/clock.js';
import { UserNames, userNamesSchema } from '../../src/identity/user_names.js';
import { SqliteDeviceStore } from '../../src/otp/sqlite_device_store.js';
import { MemoryStore } from '../../src/state/memory_store.js';
import { RedisStore } from '../../src/state/redis_store.js';
import type { Store } from '../../src/state/store.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { registeredDevice } from '../helpers/otp_device.js';
import { startRedisServer, type RedisServer } from '../helpers/redis_server.js';
import { TEST_SECRET, testConfig } from '../helpers/config.js';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

/** What an authenticator app does with the otpauth:// link. */
const appFor = (uri: string) => new TOTP({ secret: Secret.fromBase32(new URL(uri).searchParams.get('secret')!), digits: 6, period: 30, algorithm: 'SHA1' });

type Audited = Record<string, unknown>;

/** Every command, against the login state in `name` and the SQLite device database, with a real factorgate beside it. */
function adminContract(name: string, openStore: () => Promise<Store>): void {
  describe(`factorgate admin (src/admin/) against ${name} and the SQLite device database`, function () {
    this.timeout(30_000);
    let h: Harness;
    let dir: string;
    let devices: SqliteDeviceStore;
    let deps: AdminDeps;
    let audit: Audited[];

    async function admin(...argv: string[]): Promise<{ code: number; out: string; err: string; json: () => any }> {
      const read = readAdminArgs(argv);
      if (typeof read === 'string') throw new Error(read);
      let out = '';
      let err = '';
      const code = await runAdminCommand(read.args, deps, (t) => (out += t), (t) => (err += t));
      return { code, out, err, json: () => JSON.parse(out) };
    }

    beforeEach(async () => {
      const device = await registeredDevice(systemClock, 'alice');
      dir = device.dir;
      const store = await openStore();
      h = await startHarness({ otp: { sqlite: { path: device.path } }, limits: { wrongAnswersPerUser: 2 } }, { store, anakam: false });
      devices = await SqliteDeviceStore.open({ path: device.path });
      audit = [];
      deps = adminDeps(h.config, { store, devices, audit: new AdminAudit({ actor: 'helpdesk-ann', from: 'cli@test' }, (line) => audit.push(JSON.parse(line) as Audited), Date.now), now: Date.now });
    });
    afterEach(async () => {
      await devices?.close();
      await h?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('users show: the user\'s app, remembered browsers, counters, and the sign-in waiting now', async () => {
      const browserId = await deps.state!.browsers.issue('alice', { ip: '192.0.2.7', userAgent: FIREFOX }, Date.now() + 3_600_000);
      const browser = h.browser();
      const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
      expect((await browser.postJson('/mfa/passcode', { passcode: '000000', csrf: started.csrf })).json().status).to.equal('challenge');

      const shown = await admin('users', 'show', 'alice', '--json');
      expect(shown.code).to.equal(0);
      const report = shown.json();
      expect(report.user).to.equal('alice');
      expect(report.devices.map((d: any) => [d.kind, d.name, d.active])).to.deep.equal([['totp', 'phone', true]]);
      expect(report.browsers.map((b: any) => [b.id, b.userAgent, b.clientIp])).to.deep.equal([[browserId, 'Firefox 128 on Linux', '192.0.2.7']]);
      expect(report.limits).to.deep.include({ wrongAnswers: 1, locked: false });
      expect(report.recoveryCode).to.equal(null);
      expect(report.logins).to.have.length(1);
      expect(report.logins[0]).to.deep.include({ user: 'alice', clientIp: '127.0.0.1', provider: 'totp' });
      expect(JSON.stringify(report), 'no secret of the device is shown').not.to.match(/sealedSecret|otpauth/);
      const text = await admin('users', 'show', 'alice');
      expect(text.out).to.contain('phone').and.to.contain('Firefox 128 on Linux').and.to.contain('not locked');
      expect(audit, 'looking changes nothing and is not an action').to.deep.equal([]);
    });

    it('devices remove: the app is gone from the database, and the removal is audited; an unknown one exits 1', async () => {
      const [device] = await devices.list('alice');
      const removed = await admin('devices', 'remove', 'alice', device!.id);
      expect(removed.code).to.equal(0);
      expect(await devices.list('alice')).to.deep.equal([]);
      expect((await admin('devices', 'remove', 'alice', device!.id)).code).to.equal(1);
      expect(audit.map((a) => [a.action, a.user, a.device, a.outcome, a.actor, a.from])).to.deep.equal([
        ['device_remove', 'alice', device!.id, 'done', 'helpdesk-ann', 'cli@test'],
        ['device_remove', 'alice', device!.id, 'not_found', 'helpdesk-ann', 'cli@test'],
      ]);
    });

    it('browsers revoke: one by its id, then all; a revoked browser is held no more', async () => {
      const browsers = deps.state!.browsers;
      const one = await browsers.issue('alice', { ip: '192.0.2.7' }, Date.now() + 3_600_000);
      const two = await browsers.issue('alice', { ip: '192.0.2.8' }, Date.now() + 3_600_000);
      const three = await browsers.issue('alice', { ip: '192.0.2.9' }, Date.now() + 3_600_000);
      expect((await admin('browsers', 'revoke', 'alice', one, '--json')).json()).to.deep.equal({ user: 'alice', revoked: 1 });
      expect(await browsers.holds('alice', one)).to.equal(false);
      expect(await browsers.holds('alice', two)).to.equal(true);
      expect((await admin('browsers', 'revoke', 'alice', one)).code, 'already revoked').to.equal(1);
      expect((await admin('browsers', 'revoke', 'alice', '--all', '--json')).json()).to.deep.equal({ user: 'alice', revoked: 2 });
      expect(await browsers.holds('alice', three)).to.equal(false);
      expect(audit.map((a) => [a.action, a.browser, a.revoked])).to.deep.equal([['browsers_revoke', one, 1], ['browsers_revoke', one, 0], ['browsers_revoke', 'all', 2]]);
    });

    it('unlock: a user locked by wrong codes is let in again at once', async () => {
      for (let i = 0; i < 2; i++) {
        const browser = h.browser();
        const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
        await browser.postJson('/mfa/passcode', { passcode: '000000', csrf: started.csrf });
      }
      expect((await startLogin(h.browser(), 'alice', 'alice-pw')).status, 'locked').to.equal(429);
      expect((await admin('users', 'show', 'alice', '--json')).json().limits.locked).to.equal(true);
      const unlocked = await admin('unlock', 'alice', '--json');
      expect(unlocked.code).to.equal(0);
      expect(unlocked.json().before).to.deep.include({ locked: true, wrongAnswers: 2 });
      expect((await startLogin(h.browser(), 'alice', 'alice-pw')).json().status).to.equal('challenge');
      expect(audit.map((a) => [a.action, a.user, a.wasLocked])).to.deep.equal([['unlock', 'alice', true]]);
    });

    it('--key: names a user by the key itself, one a typed name cannot lead to (a directory\'s "corp\\bob"); a key factorgate never makes is refused', async () => {
      const typed = await admin('recovery-code', 'corp\\bob', '--json');
      expect(typed.code, 'typed, a name with a realm is refused').to.equal(2);
      expect(typed.err).to.contain('is not a user name factorgate accepts');
      const byKey = await admin('recovery-code', 'corp\\bob', '--key', '--json');
      expect(byKey.code).to.equal(0);
      expect(byKey.json().user).to.equal('corp\\bob');
      expect((await admin('users', 'show', 'corp\\bob', '--key', '--json')).json()).to.deep.include({ user: 'corp\\bob' });
      expect((await admin('users', 'show', 'corp\\bob', '--key', '--json')).json().recoveryCode).not.to.equal(null);
      for (const notAKey of ['Alice', '', 'bob\u0007', 'x'.repeat(257)]) {
        const refused = await admin('unlock', notAKey, '--key');
        expect(refused.code, JSON.stringify(notAKey)).to.equal(2);
        expect(refused.err).to.contain('is not a user key factorgate makes').and.not.contain('\u0007');
      }
      expect(audit.map((a) => [a.action, a.user])).to.deep.equal([['recovery_code_issue', 'corp\\bob']]);
    });

    it('recovery-code: signs the user in once and enrols a new app; the same code never works again', async () => {
      const issued = await admin('recovery-code', 'alice', '--json');
      expect(issued.code).to.equal(0);
      const { code, expiresAt } = issued.json();
      expect(code).to.match(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
      expect(expiresAt - Date.now()).to.be.within(23 * 3_600_000, 24 * 3_600_000);
      expect(JSON.stringify(audit), 'the code is audited as issued, never written').not.to.contain(code.slice(0, 4) + code.slice(5, 9));
      expect(audit.map((a) => [a.action, a.user])).to.deep.equal([['recovery_code_issue', 'alice']]);
      expect((await admin('users', 'show', 'alice', '--json')).json().recoveryCode).to.deep.include({ expiresAt });

      const browser = h.browser();
      const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
      expect(started.challenge.kind).to.equal('passcode');
      expect((await browser.get('/mfa/passcode')).body, 'the page without the script offers it too').to.contain('href="/mfa/recovery"');
      const page = await browser.get('/mfa/recovery');
      expect(page.status).to.equal(200);
      expect(page.body).to.contain('name="code"');
      // Typed as a user might: lower case, without the dashes.
      const enrol = (await browser.postJson('/mfa/recovery', { code: code.toLowerCase().replace(/-/g, ''), csrf: started.csrf })).json();
      expect(enrol.status).to.equal('challenge');
      expect(enrol.challenge.kind).to.equal('enrol');
      const done = await browser.postJson('/mfa/passcode', { passcode: appFor(enrol.challenge.otpauthUri).generate(), csrf: enrol.csrf });
      expect(done.json()).to.deep.equal({ status: 'done', location: '/vpn/portal.html' });
      expect((await devices.list('alice')).map((d) => d.active)).to.deep.equal([true, true]);
      expect(h.logs.lines.find((l) => l.event === 'login_finished')).to.deep.include({ outcome: 'success', path: 'recovery' });
      expect((await admin('users', 'show', 'alice', '--json')).json().recoveryCode).to.equal(null);

      const again = h.browser();
      const second = (await startLogin(again, 'alice', 'alice-pw')).json();
      const refused = (await again.postJson('/mfa/recovery', { code, csrf: second.csrf })).json();
      expect(refused.status).to.equal('challenge');
      expect(refused.challenge.kind).to.equal('passcode');
      expect(refused.notice.code).to.equal('recovery_code_invalid');
      expect(h.logs.lines.some((l) => l.event === 'recovery_code_refused' && l.user === 'alice')).to.equal(true);
    });

    it('recovery-code: wrong codes count against the user\'s limit, and a code issued to one user is none for another', async () => {
      const { code } = (await admin('recovery-code', 'bob', '--json')).json();
      for (const wrong of [code, 'AAAA-BBBB-CCCC-DDDD-EEEE']) {
        const browser = h.browser();
        const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
        expect((await browser.postJson('/mfa/recovery', { code: wrong, csrf: started.csrf })).json().notice.code).to.equal('recovery_code_invalid');
      }
      expect((await startLogin(h.browser(), 'alice', 'alice-pw')).status, 'two wrong codes lock alice (wrongAnswersPerUser 2)').to.equal(429);
    });

    it('recovery-code: a wrong password gets no use of the code, and the code stays', async () => {
      const { code } = (await admin('recovery-code', 'alice', '--json')).json();
      const browser = h.browser();
      const started = (await startLogin(browser, 'alice', 'not-alices-password')).json();
      expect(started.challenge.kind, 'the password is checked only at the replay in this flow').to.equal('passcode');
      const refused = await browser.postJson('/mfa/recovery', { code, csrf: started.csrf });
      expect(refused.json().code).to.equal('gateway_refused');
      expect((await admin('users', 'show', 'alice', '--json')).json().recoveryCode).not.to.equal(null);
    });

    it('logins list and logins end: the waiting sign-in is listed by a reference, and ended', async () => {
      const browser = h.browser();
      const started = (await startLogin(browser, 'bob', 'bob-pw')).json();
      const listed = (await admin('logins', 'list', '--json')).json();
      expect(listed).to.have.length(1);
      expect(listed[0]).to.deep.include({ user: 'bob', clientIp: '127.0.0.1' });
      expect(listed[0].ref).to.match(/^[0-9a-f]{16}$/);
      expect((await admin('logins', 'end', listed[0].ref)).code).to.equal(0);
      expect((await admin('logins', 'list', '--json')).json()).to.deep.equal([]);
      expect((await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf })).json().code).to.equal('no_login');
      expect((await admin('logins', 'end', listed[0].ref)).code, 'nothing left to end').to.equal(1);
      expect(audit.map((a) => [a.action, a.login, a.user, a.outcome])).to.deep.equal([['login_end', listed[0].ref, 'bob', 'done'], ['login_end', listed[0].ref, undefined, 'not_found']]);
    });

    it('logins list: newest first, as /admin lists them', async () => {
      await startLogin(h.browser(), 'bob', 'bob-pw');
      // Ages are whole seconds.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await startLogin(h.browser(), 'alice', 'alice-pw');
      expect((await admin('logins', 'list', '--json')).json().map((l: { user: string }) => l.user)).to.deep.equal(['alice', 'bob']);
      const text = (await admin('logins', 'list')).out.trim().split('\n');
      expect(text[0]).to.match(/^REF +USER/);
      expect(text.slice(1).map((line) => line.split(/ +/)[1])).to.deep.equal(['alice', 'bob']);
    });
  });
}

describe('logins list, as text', () => {
  const login = { ref: '0123456789abcdef', user: 'bob', clientIp: '192.0.2.1', provider: 'totp', step: 'challenge', ageSeconds: 4 } as LiveLogin;
  it('says when the store held more sign-ins than were read, and how many ("or more" past the count bound)', () => {
    expect(loginsText({ logins: [login], waiting: 1, read: 1 }).split('\n')).to.have.length(2);
    expect(loginsText({ logins: [login], waiting: 1500, read: 1000 })).to.match(/\nonly 1000 of the 1500 sign-ins waiting were read; the newest of those are listed$/);
    expect(loginsText({ logins: [login], waiting: MAX_LOGINS_COUNTED, read: 1000 })).to.include(`only 1000 of the ${MAX_LOGINS_COUNTED} or more sign-ins waiting`);
    expect(loginsText({ logins: [], waiting: 0, read: 0 })).to.equal('no sign-in is waiting');
  });
});

describe('a login\'s reference for the administrator', () => {
  it('is never read as an option: any login id gives 16 hex digits, not the id', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 64 }), (loginId) => {
      const ref = refOf(loginId);
      expect(ref).to.match(/^[0-9a-f]{16}$/);
      expect(ref).not.to.equal(loginId);
      const read = readAdminArgs(['logins', 'end', ref]);
      expect(read, ref).to.be.an('object');
      expect(typeof read === 'object' && read.args.positionals).to.deep.equal(['logins', 'end', ref]);
    }), { numRuns: 500 });
  });
});

adminContract('the memory store', async () => new MemoryStore());

describe('on a real redis-server', () => {
  let server: RedisServer;
  before(async () => { server = await startRedisServer(); });
  after(async () => { await server?.stop(); });

  adminContract('Redis', async () => {
    const store = new RedisStore({ url: server.url, keyPrefix: `fg-${Math.random().toString(36).slice(2)}:` });
    expect(await store.ready()).to.equal(true);
    return store;
  });

  it('logins end, on the configured Redis, also logs out the gateway session a password-first login holds', async function () {
    this.timeout(60_000);
    const keyPrefix = `held-${Math.random().toString(36).slice(2)}:`;
    const h = await startHarness({ gateway: { passwordCheck: 'first' }, store: { type: 'redis', redis: { url: server.url, keyPrefix } } });
    const stderr: string[] = [];
    const opened = await openAdmin(h.config, { actor: 'helpdesk-bo', from: 'cli@test' }, (t) => stderr.push(t));
    try {
      const key = 'dddddddd-4444-4e22-8018-e4cf70027375';
      const tfa = new AnakamScript().passcodeSent('alice', key);
      expect((await startLogin(h.browser(), 'alice', 'alice-pw')).json().status).to.equal('challenge');
      tfa.done();
      const alicesSessions = () => [...h.gateway.sessions.values()].filter((user) => user === 'alice');
      expect(alicesSessions(), 'the password opened a gateway session, held for the login').to.have.length(1);
      const run = async (...argv: string[]) => {
        const read = readAdminArgs(argv);
        if (typeof read === 'string') throw new Error(read);
        let out = '';
        const code = await runAdminCommand(read.args, opened.deps, (t) => (out += t), (t) => stderr.push(t));
        return { code, out };
      };
      const [login] = JSON.parse((await run('logins', 'list', '--json')).out) as Array<{ ref: string }>;
      const ended = await run('logins', 'end', login!.ref, '--json');
      expect(ended.code, stderr.join('')).to.equal(0);
      expect(alicesSessions(), 'no gateway session made for that login is alive').to.deep.equal([]);
      expect(h.gateway.logouts).to.deep.equal(['alice']);
      expect(stderr.join(''), 'the log line, on standard error').to.contain('"event":"gateway_session_ended","why":"ended_by_admin"');
    } finally {
      await opened.close();
      await h.close();
    }
  });

  it('the command itself (src/cli.ts) works on the configured Redis, audits to admin.auditFile, and prints the code once', async function () {
    this.timeout(120_000);
    const device = await registeredDevice(systemClock, 'alice');
    const auditFile = join(device.dir, 'audit.jsonl');
    const config = join(device.dir, 'factorgate.yaml');
    writeFileSync(config, [
      'gateway:', '  url: http://127.0.0.1:9', `secret: ${TEST_SECRET}`,
      'store:', '  type: redis', '  redis:', `    url: ${server.url}`, '    keyPrefix: "cli:"',
      'anakam:', '  baseUrl: http://127.0.0.1:9', '  apiUser: api', '  apiPassword: api-password', 'otp:', '  enabled: false', 'admin:', `  auditFile: ${auditFile}`, '',
    ].join('\n'));
    try {
      const issued = await cli(['admin', 'recovery-code', 'alice', '--json', '--actor', 'helpdesk-bo', '--config', config]);
      expect(issued.code, issued.stderr).to.equal(0);
      const { code } = JSON.parse(issued.stdout) as { code: string };
      const shown = await cli(['admin', 'users', 'show', 'alice', '--json', '--config', config]);
      expect(shown.code, shown.stderr).to.equal(0);
      const report = JSON.parse(shown.stdout);
      expect(report.devices).to.equal('no device store');
      expect(report.recoveryCode).not.to.equal(null);
      const lines = readFileSync(auditFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Audited);
      expect(lines).to.have.length(1);
      expect(lines[0]).to.deep.include({ event: 'admin_action', action: 'recovery_code_issue', user: 'alice', actor: 'helpdesk-bo', outcome: 'done' });
      expect(lines[0]!.from).to.match(/^cli@/);
      expect(JSON.stringify(lines) + shown.stdout).not.to.contain(code);
    } finally {
      rmSync(device.dir, { recursive: true, force: true });
    }
  });
});

describe('the factorgate admin command on the device file alone (store.type memory)', () => {
  it('removes a device from the configured SQLite file, audits it on standard error, and refuses what needs the login state', async function () {
    this.timeout(120_000);
    const device = await registeredDevice(systemClock, 'alice');
    const config = join(device.dir, 'factorgate.yaml');
    writeFileSync(config, ['gateway:', '  url: http://127.0.0.1:9', `secret: ${TEST_SECRET}`, 'otp:', '  enabled: true', '  sqlite:', `    path: ${device.path}`, ''].join('\n'));
    try {
      const store = await SqliteDeviceStore.open({ path: device.path });
      const [phone] = await store.list('alice');
      await store.close();
      const removed = await cli(['admin', 'devices', 'remove', 'alice', phone!.id, '--config', config]);
      expect(removed.code, removed.stderr).to.equal(0);
      expect(removed.stdout).to.contain(`removed device ${phone!.id} of alice`);
      const line = JSON.parse(removed.stderr.trim()) as Audited;
      expect(line).to.deep.include({ event: 'admin_action', action: 'device_remove', user: 'alice', device: phone!.id, outcome: 'done' });
      const after = await SqliteDeviceStore.open({ path: device.path });
      expect(await after.list('alice')).to.deep.equal([]);
      await after.close();
      const unlock = await cli(['admin', 'unlock', 'alice', '--config', config]);
      expect(unlock.code).to.equal(2);
      expect(unlock.stderr).to.contain('store.type is memory');
    } finally {
      rmSync(device.dir, { recursive: true, force: true });
    }
  });
});

describe('factorgate admin without a shared store', () => {
  it('stops before acting when admin.auditFile cannot be written: no action goes unaudited', async () => {
    const config = testConfig('http://127.0.0.1:9', { admin: { auditFile: join(tmpdir(), `fg-no-such-directory-${process.pid}`, 'audit.jsonl') } });
    const opened = await openAdmin(config, { actor: 'a', from: 'b' }, () => undefined).then(() => 'opened', (err: unknown) => err);
    expect(opened).to.be.instanceOf(Error);
    expect((opened as NodeJS.ErrnoException).code).to.equal('ENOENT');
  });

  it('refuses the commands on login state when the state lives in another process\'s memory, and says what to set', async () => {
    const deps: AdminDeps = {
      userNames: new UserNames(userNamesSchema.parse({})),
      audit: new AdminAudit({ actor: 'a', from: 'b' }, () => undefined, Date.now), recoveryCodeHours: 24, now: Date.now,
    };
    let err = '';
    const code = await runAdminCommand({ positionals: ['unlock', 'alice'], json: false, all: false }, deps, () => undefined, (t) => (err += t));
    expect(code).to.equal(2);
    expect(err).to.contain('store.type is memory').and.to.contain('redis');
  });
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('FACTORGATE_')));
    execFile(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: clean }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
