import { expect } from 'chai';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RECENT_ACTIONS, RecentActions } from '../../src/admin/recent_actions.js';
import { administrators } from '../../src/adminweb/administrators.js';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { UserNames, userNamesSchema } from '../../src/identity/user_names.js';
import { TestBrowser } from '../helpers/browser.js';
import { csrfOf, startAdmin } from './helpers.js';

// How /admin is set up: what the configuration refuses, who counts as an administrator, where it
// listens, and where its recent actions come from.

const env = { FACTORGATE_GATEWAY_URL: 'https://gateway.example.test', FACTORGATE_SECRET: 'adminweb-secret-0123456789-abcdefghij' };

function problemsOf(overrides: Record<string, unknown>): string[] {
  try {
    loadConfig({ env, overrides });
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return expect.fail('configuration was accepted');
}

describe('/admin set-up', () => {
  it('is off by default, and refused at start-up without what it needs', () => {
    expect(loadConfig({ env, overrides: { otp: { enabled: true } } }).admin.web).to.deep.include({ enabled: false, host: '127.0.0.1', sessionIdleMinutes: 15 });
    expect(problemsOf({ otp: { enabled: true }, admin: { web: { enabled: true } } })).to.deep.equal(['admin.users: name at least one administrator (or set admin.ldapGroup) when admin.web.enabled']);
    expect(problemsOf({ anakam: { baseUrl: 'http://tfa.test', apiUser: 'u', apiPassword: 'p' }, otp: { enabled: false }, admin: { web: { enabled: true }, users: ['ann'] } }))
      .to.deep.equal(['otp.enabled: must be true when admin.web.enabled: administrators sign in to /admin with a code from their own authenticator app, kept in the otp device store']);
    expect(problemsOf({ otp: { enabled: true }, admin: { web: { enabled: true }, ldapGroup: 'cn=helpdesk,ou=groups,dc=example,dc=org' } }))
      .to.deep.equal(['admin.ldapGroup: needs ldap.enabled: group membership is read from the directory at sign-in']);
    expect(problemsOf({ otp: { enabled: true }, admin: { web: { enabled: true, sessionIdleMinutes: 61 }, users: ['ann'] } })[0]).to.match(/^admin\.web\.sessionIdleMinutes: /);
  });

  it('knows administrators by name as the login reads names, and by the directory group however its DN is spaced or cased', () => {
    const isAdmin = administrators({ users: ['Ann'], ldapGroup: 'cn=Helpdesk, ou=groups,dc=example,dc=org' }, new UserNames(userNamesSchema.parse({})));
    expect(isAdmin('ann', [])).to.equal(true);
    expect(isAdmin('ben', ['CN=helpdesk,OU=Groups, DC=example,DC=org'])).to.equal(true);
    expect(isAdmin('ben', ['cn=helpdesk-trainees,ou=groups,dc=example,dc=org', 'cn=staff,ou=groups,dc=example,dc=org'])).to.equal(false);
    expect(administrators({ users: [] }, new UserNames(userNamesSchema.parse({})))('ben', ['cn=helpdesk,ou=groups,dc=example,dc=org'])).to.equal(false);
  });

  it('with admin.web.port, listens on its own port, and the main listener passes /admin to the gateway', async () => {
    const admin = await startAdmin({ admin: { web: { enabled: true, port: 0 }, users: ['alice'] } });
    try {
      const adminUrl = admin.h.fg.adminUrl!;
      expect(adminUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/admin$/).and.not.contain(new URL(admin.h.url).port);
      const own = new TestBrowser(new URL(adminUrl).origin);
      const page = await own.get('/admin');
      expect(page.body).to.contain('action="/admin/signin"');
      // What its pages load is served there too: the style sheet, and the passkey step's scripts.
      for (const file of ['factorgate.css', 'webauthn.js', 'manage_passkeys.js']) {
        expect((await own.get(`/mfa/static/${file}`)).status, file).to.equal(200);
      }
      expect((await own.post('/admin/signin', { username: 'alice', password: 'alice-pw', csrf: csrfOf(page.body) })).headers.get('location')).to.equal('/admin');
      const main = await admin.h.browser().get('/admin');
      expect(main.body).not.to.contain('action="/admin/signin"');
      expect(admin.h.gateway.requests.some((r) => r.url === '/admin')).to.equal(true);
    } finally {
      await admin.close();
    }
  });

  describe('recent actions', () => {
    let dir: string;
    beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'fg-recent-')); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const line = (i: number, actor = 'ann') => `${JSON.stringify({ event: 'admin_action', time: `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}.000Z`, actor, from: 'cli@host', action: 'unlock', user: `u${i}`, outcome: 'done' })}\n`;

    it('from admin.auditFile: the last 20, newest first, the command line\'s too, read from the end of a large file', async () => {
      const file = join(dir, 'audit.jsonl');
      // Far more than the part read from the end, so that part starts in the middle of a line.
      writeFileSync(file, 'x'.repeat(100_000));
      for (let i = 0; i < 30; i++) appendFileSync(file, line(i));
      appendFileSync(file, 'not json\n{"event":"other"}\n');
      const recent = new RecentActions(file);
      expect(recent.source).to.equal('file');
      const listed = await recent.list();
      expect(listed).to.have.length(RECENT_ACTIONS);
      expect(listed.map((a) => a.user)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `u${29 - i}`));
    });

    it('without a file: what this process wrote, kept to the last 20, every line still written on', async () => {
      const written: string[] = [];
      const recent = new RecentActions(undefined);
      const write = recent.writer((l) => written.push(l));
      for (let i = 0; i < 25; i++) write(line(i, i % 2 ? 'ann' : 'ben'));
      expect(written).to.have.length(25);
      const listed = await recent.list();
      expect(recent.source).to.equal('process');
      expect(listed.map((a) => a.user)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `u${24 - i}`));
      expect(listed[0]).to.deep.equal({ time: '2026-01-01T00:00:24.000Z', actor: 'ben', from: 'cli@host', action: 'unlock', user: 'u24', outcome: 'done' });
    });
  });
});
