import { expect } from 'chai';
import { AdminAudit } from '../../src/admin/audit.js';
import { readAdminArgs, runAdminCommand } from '../../src/admin/command.js';
import { adminDeps } from '../../src/admin/open.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { startLogin } from '../helpers/harness.js';
import { bobRemembers, signedIn, startAdmin, type AdminUnderTest } from './helpers.js';

// Each user's finished sign-ins (the login_finished line), kept in the login state store and shown
// on the user's page in /admin and by `factorgate admin users show`, newest first.

describe('recent sign-ins per user, on /admin and from factorgate admin', function () {
  this.timeout(20_000);
  let admin: AdminUnderTest;
  // The gateway checks the password first (the default outside tests): a wrong code then comes from a proven user.
  beforeEach(async () => { admin = await startAdmin({ gateway: { passwordCheck: 'first' } }); });
  afterEach(() => admin.close());

  async function usersShow(...argv: string[]): Promise<string> {
    const read = readAdminArgs(['users', 'show', ...argv]);
    if (typeof read === 'string') throw new Error(read);
    const deps = adminDeps(admin.h.config, { store: admin.store, devices: admin.devices, audit: new AdminAudit({ actor: 'ann', from: 'cli' }, () => undefined, Date.now), now: () => admin.clock.now() });
    let out = '';
    expect(await runAdminCommand(read.args, deps, (t) => (out += t), () => undefined)).to.equal(0);
    return out;
  }

  it('after a success and then a wrong code: both, newest first, with address, provider and way, on the page and from the command; nothing for another user', async () => {
    await bobRemembers(admin.h, admin.h.browser());
    admin.clock.advance(60_000);
    const key = 'cccccccc-3333-4e22-8018-e4cf70027375';
    const tfa = new AnakamScript().passcodeSent('bob', key).step(key, 'VERIFY_PASSCODE', 'LOCKED');
    const browser = admin.h.browser();
    const started = (await startLogin(browser, 'bob', 'bob-pw')).json();
    const refused = (await browser.postJson('/mfa/passcode', { passcode: '000000', csrf: started.csrf })).json();
    expect(refused.status).to.equal('failed');
    tfa.done();
    const failedOutcome = admin.h.logs.lines.filter((l) => l.event === 'login_finished').at(-1)!.outcome as string;
    expect(failedOutcome).not.to.equal('success');

    const json = JSON.parse(await usersShow('bob', '--json'));
    expect(json.recentSignIns.map((s: any) => [s.outcome, s.clientIp, s.provider])).to.deep.equal([[failedOutcome, '127.0.0.1', 'anakam'], ['success', '127.0.0.1', 'anakam']]);
    expect(json.recentSignIns[0].at - json.recentSignIns[1].at).to.equal(60_000);
    expect(json.recentSignIns[1].way).to.be.a('string').and.not.equal('');
    expect(JSON.stringify(json.recentSignIns), 'no password, code or handle').not.to.match(/bob-pw|000000|424242|cccccccc|device-key/);
    const text = await usersShow('bob');
    const section = text.slice(text.indexOf('recent sign-ins (newest first):'));
    expect(section.indexOf(failedOutcome)).to.be.greaterThan(0).and.lessThan(section.indexOf('success'));

    const { browser: adminBrowser } = await signedIn(admin);
    const page = (await adminBrowser.get('/admin/users/bob')).body;
    const recent = page.slice(page.indexOf('<h2>Recent sign-ins</h2>'));
    expect(recent).to.contain(`<td data-label="Outcome">${failedOutcome.replaceAll('_', ' ')}</td>`).and.contain('<td data-label="Outcome">success</td>');
    expect(recent.indexOf(failedOutcome.replaceAll('_', ' '))).to.be.lessThan(recent.indexOf('>success<'));
    expect(page).not.to.contain('Not shown');

    // alice signed in to /admin, not through the login: she has none; nor has a user never seen.
    expect(JSON.parse(await usersShow('carol', '--json')).recentSignIns).to.deep.equal([]);
    expect((await adminBrowser.get('/admin/users/carol')).body).to.contain('<h2>Recent sign-ins</h2>\n<p>None kept.</p>');
    expect(await usersShow('carol')).to.contain('recent sign-ins (newest first):\n  none');
  });

  it('keeps nothing for a name typed with a wrong password', async () => {
    expect((await startLogin(admin.h.browser(), 'carol', 'not-her-password')).json().code).to.equal('gateway_refused');
    expect(admin.h.logs.lines.filter((l) => l.event === 'login_finished').at(-1)).to.deep.include({ user: 'carol', passwordChecked: false });
    expect(JSON.parse(await usersShow('carol', '--json')).recentSignIns).to.deep.equal([]);
  });
});
