import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newDeviceId } from '../../src/otp/device_store.js';
import { sealSecret } from '../../src/otp/secrets.js';
import { SqliteDeviceStore } from '../../src/otp/sqlite_device_store.js';
import { Totp } from '../../src/otp/totp.js';
import { Keyring } from '../../src/security/keyring.js';
import { TEST_SECRET } from '../helpers/config.js';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';

// The WEBAUTHN action over HTTP, where no browser is needed: what the dialog and the page are
// told, and what is refused before any key is asked. Keys at work: test/e2e/webauthn.e2e.test.ts.

const FLOWS = {
  entry: 'second',
  factors: { second: { policies: [{ rule: 'true', action: 'WEBAUTHN' }, { rule: 'true', action: 'OTP_CODE' }] } },
};

describe('login: WEBAUTHN over HTTP (src/login/actions/webauthn.ts, endpoints/webauthn.ts)', function () {
  this.timeout(20_000);
  let h: Harness;
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fg-login-webauthn-'));
    const path = join(dir, 'otp.sqlite');
    const store = await SqliteDeviceStore.open({ path });
    await store.addPasskey('alice', { id: newDeviceId(), name: 'Key', credentialId: 'alice-credential', publicKey: 'pQECAyYgASFYIA', counter: 3, transports: ['usb'], aaguid: '00000000-0000-0000-0000-000000000000' });
    await store.addPasskey('bob', { id: newDeviceId(), name: 'Key', credentialId: 'bob-credential', publicKey: 'pQECAyYgASFYIA', counter: 0, transports: ['nfc'], aaguid: '00000000-0000-0000-0000-000000000000' });
    // alice has an app too: her other way, the app's code, is offered only to a user with one.
    const app = newDeviceId();
    await store.add('alice', { id: app, name: 'phone', sealedSecret: sealSecret(new Keyring(TEST_SECRET), 'alice', app, new Totp().generateSecret()) });
    await store.activate('alice', app);
    await store.close();
    h = await startHarness({ flows: FLOWS, otp: { enabled: true, sqlite: { path } }, webauthn: { rpId: 'localhost', origins: ['https://localhost'] } }, { anakam: false });
  });
  afterEach(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves @simplewebauthn/browser\'s bundle to the dialog from /mfa/static', async () => {
    const script = await h.browser().get('/mfa/static/webauthn.js');
    expect(script.status).to.equal(200);
    expect(script.headers.get('content-type')).to.match(/javascript/);
    expect(script.body).to.include('SimpleWebAuthnBrowser');
  });

  it('gives the dialog a challenge naming the user\'s own credential only, after the password is checked', async () => {
    const reply = await startLogin(h.browser(), 'alice', 'alice-pw');
    const json = reply.json() as { status: string; challenge: { kind: string; options: { rpId: string; allowCredentials: Array<{ id: string }>; challenge: string } } };
    expect(json.status).to.equal('challenge');
    expect(json.challenge.kind).to.equal('webauthn');
    expect(json.challenge.options.rpId).to.equal('localhost');
    expect(json.challenge.options.allowCredentials.map((c) => c.id)).to.deep.equal(['alice-credential']);
  });

  it('names no credential to a wrong password: the flow goes on to its next way, as for anyone', async () => {
    const reply = await startLogin(h.browser(), 'alice', 'not-her-password');
    expect(reply.body).not.to.include('alice-credential');
    expect((reply.json() as { challenge: { kind: string } }).challenge.kind).to.equal('passcode');
    expect(h.logs.lines.some((l) => l.event === 'first_factor_refused' && l.before === 'webauthn')).to.equal(true);
  });

  it('without the script, says a passkey needs JavaScript and offers the next way', async () => {
    const browser = h.browser();
    const reply = await startLogin(browser, 'alice', 'alice-pw', false);
    expect(reply.status).to.equal(303);
    const page = await browser.get(reply.headers.get('location')!);
    expect(page.body).to.include('needs JavaScript').and.include('or use another way to sign in').and.not.include('alice-credential');
    // The next way by name, and the policy it runs.
    expect(page.body).to.match(/<input type="hidden" name="way" value="1">\s*<button type="submit" class="fg-link">Enter a code from your authenticator app<\/button>/);
  });

  it('refuses an assertion posted without a login', async () => {
    const none = await h.browser().postJson('/mfa/webauthn', { assertion: '{}' });
    expect(none.json()).to.include({ status: 'failed', code: 'no_login' });
  });
});
