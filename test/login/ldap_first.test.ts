import { expect } from 'chai';
import nock from 'nock';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { ANAKAM_URL } from '../helpers/config.js';
import { directory, startSlapd, type Slapd } from '../helpers/slapd.js';

const KEY = '78787878-2222-4e22-8018-e4cf70027375';

describe('login with the LDAP first factor checked before any challenge', function () {
  this.timeout(20_000);
  let slapd: Slapd;
  let h: Harness;
  before(async () => { slapd = await startSlapd({ tls: true }); });
  after(async () => { await slapd.stop(); });
  afterEach(async () => { await h.close(); });

  const ldap = () => ({ ldap: { enabled: true, url: slapd.url, userDnTemplate: 'uid={username},ou=people,dc=example,dc=org' } });

  it('a wrong password is refused by the directory: no passcode is sent, the attempt counts', async () => {
    h = await startHarness({ ...ldap(), limits: { wrongAnswersPerUser: 2 } });
    const tfa = nock(ANAKAM_URL).post(/.*/).query(true).reply(200, '');
    const first = await startLogin(h.browser(), 'alice', 'not-her-password');
    expect(first.status).to.equal(401);
    expect(first.json().message).to.equal('The user name or password was not accepted. Try again.');
    expect(tfa.isDone()).to.equal(false);
    await startLogin(h.browser(), 'alice', 'still-wrong');
    const third = await startLogin(h.browser(), 'alice', directory.users.alice.password);
    expect(third.status).to.equal(429); // password guessing through factorgate is bounded too
  });

  it('an unknown user gets the same answer as a wrong password', async () => {
    h = await startHarness(ldap());
    const reply = await startLogin(h.browser(), 'mallory', 'whatever');
    expect(reply.status).to.equal(401);
    expect(reply.json().code).to.equal('gateway_refused');
  });

  it('the right password goes on to the second factor', async () => {
    h = await startHarness(ldap());
    const tfa = new AnakamScript().passcodeSent('alice', KEY);
    const reply = await startLogin(h.browser(), 'alice', directory.users.alice.password);
    expect(reply.json().status).to.equal('challenge');
    tfa.done();
  });

  it('with StartTLS and the directory\'s CA the right password goes on, a wrong one is refused; no warning about clear text', async () => {
    h = await startHarness({ ldap: { ...ldap().ldap, tls: { startTls: true, caFile: slapd.caFile } } });
    expect((await startLogin(h.browser(), 'alice', 'not-her-password')).status).to.equal(401);
    const tfa = new AnakamScript().passcodeSent('alice', KEY);
    expect((await startLogin(h.browser(), 'alice', directory.users.alice.password)).json().status).to.equal('challenge');
    tfa.done();
    expect(h.logs.lines.filter((l) => l.event === 'ldap_cleartext')).to.deep.equal([]);
  });

  it('with StartTLS and the system CAs only (a self-signed certificate) the login fails closed at start_tls', async () => {
    h = await startHarness({ ldap: { ...ldap().ldap, tls: { startTls: true } } });
    const tfa = nock(ANAKAM_URL).post(/.*/).query(true).reply(200, '');
    const reply = await startLogin(h.browser(), 'alice', directory.users.alice.password);
    expect(reply.status).to.equal(503);
    expect(reply.json().code).to.equal('directory_unavailable');
    expect(tfa.isDone()).to.equal(false);
    expect(h.logs.lines.some((l) => l.event === 'login_failed' && l.code === 'directory_unavailable' && l.step === 'start_tls')).to.equal(true);
  });

  it('start-up warns once that an ldap:// directory on another host gets passwords in clear', async () => {
    h = await startHarness({ ldap: { enabled: true, url: 'ldap://ldap.example.test', userDnTemplate: 'uid={username},ou=people,dc=example,dc=org' } });
    const warned = h.logs.lines.filter((l) => l.event === 'ldap_cleartext');
    expect(warned).to.have.length(1);
    expect(warned[0]).to.include({ level: 40, host: 'ldap.example.test', setting: 'ldap.url' });
  });

  it('a directory that is down fails closed with its own message', async () => {
    h = await startHarness({ ldap: { enabled: true, url: 'ldap://127.0.0.1:1', userDnTemplate: 'uid={username},ou=people,dc=example,dc=org' } });
    const reply = await startLogin(h.browser(), 'alice', 'pw');
    expect(reply.status).to.equal(503);
    expect(reply.json().code).to.equal('directory_unavailable');
    expect(h.logs.lines.some((l) => l.event === 'login_failed' && l.code === 'directory_unavailable')).to.equal(true);
  });
});
