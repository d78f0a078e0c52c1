import { expect } from 'chai';
import { newDeviceId, type Passkey } from '../../src/otp/device_store.js';
import type { Store } from '../../src/state/store.js';
import { SoftAuthenticator } from '../helpers/soft_authenticator.js';
import type { TestBrowser } from '../helpers/browser.js';
import { PASSWORDS, csrfOf, follow, postPassword, signedIn, startPortal, type PortalOptions, type PortalUnderTest } from './helpers/portal_app.js';

// Passkeys at /manageotp over HTTP, answered by a software authenticator (test/helpers/
// soft_authenticator.ts) where a browser's would not do: two answers to one challenge at once,
// keys of a model the organisation does not allow. The removal's confirmation needs no script.

const RP = { rpId: 'vpn.example.org', origins: ['https://vpn.example.org'] };
const YUBIKEY_5 = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';
const OTHER_MODEL = 'ee882879-721c-4913-9775-3dfcce97072a';

/** Lets `count` reads of a portal session through together, once armed: two requests then read the same session. */
class HeldReads {
  private waiting: Array<() => void> = [];
  private count = 0;
  arm(count: number): void {
    this.count = count;
  }
  wrap(store: Store): Store {
    return new Proxy(store, {
      get: (target, property, receiver) => {
        if (property !== 'get') return Reflect.get(target, property, receiver) as unknown;
        return async <T>(key: string): Promise<T | undefined> => {
          const value = await target.get<T>(key);
          if (this.count > 0 && key.startsWith('manageotp:session:')) {
            await new Promise<void>((resolve) => {
              this.waiting.push(resolve);
              if (this.waiting.length === this.count) {
                this.count = 0;
                for (const release of this.waiting.splice(0)) release();
              }
            });
          }
          return value;
        };
      },
    });
  }
}

describe('/manageotp passkeys over HTTP (src/manage/steps/passkeys.ts)', () => {
  let portal: PortalUnderTest;
  afterEach(() => portal?.close());

  const start = async (options: PortalOptions = {}) => (portal = await startPortal({ webauthn: RP, ...options }));

  /** Asks for creation options, as the page's script does; gives the challenge. */
  async function challengeFor(browser: TestBrowser, csrf: string, name = 'Key'): Promise<string> {
    const reply = await browser.postJson('/manageotp/passkeys/options', { name, csrf });
    const { options } = reply.json() as { options: { challenge: string } };
    return options.challenge;
  }
  const answer = async (browser: TestBrowser, csrf: string, response: string) =>
    (await browser.postJson('/manageotp/passkeys', { csrf, response })).json() as { location: string };

  it('registers a key answering the challenge (the control: the software authenticator is a good one)', async () => {
    await start();
    const { browser, page } = await signedIn(portal);
    const csrf = csrfOf(page.body);
    const key = new SoftAuthenticator();
    const reply = await answer(browser, csrf, key.register({ challenge: await challengeFor(browser, csrf, 'Desk key'), origin: RP.origins[0]!, rpId: RP.rpId }));
    expect(reply.location).to.equal('/manageotp?m=passkey_added');
    expect((await portal.sqlite.listPasskeys('alice')).map((p) => [p.name, p.credentialId])).to.deep.equal([['Desk key', key.id]]);
  });

  it('of two registrations answering one challenge at the same moment, only one is taken: the challenge is single-use', async () => {
    const reads = new HeldReads();
    await start({ wrapSessions: (store) => reads.wrap(store) });
    const { browser, page } = await signedIn(portal);
    const csrf = csrfOf(page.body);
    const challenge = await challengeFor(browser, csrf);
    const [first, second] = [new SoftAuthenticator(), new SoftAuthenticator()].map((key) => key.register({ challenge, origin: RP.origins[0]!, rpId: RP.rpId }));
    // Both requests read the session before either goes on: a challenge kept in the session
    // record would be seen by both.
    reads.arm(2);
    const replies = await Promise.all([answer(browser, csrf, first!), answer(browser, csrf, second!)]);
    expect(replies.map((r) => r.location).sort()).to.deep.equal(['/manageotp?m=passkey_added', '/manageotp?m=passkey_refused']);
    expect(await portal.sqlite.listPasskeys('alice')).to.have.length(1);
    expect(portal.logs.lines.filter((l) => l.event === 'manageotp_passkey_refused').map((l) => l.reason)).to.deep.equal(['no_challenge']);
  });

  it('of two sign-ins answering one challenge at the same moment (each with a key of the user\'s), only one signs in', async () => {
    const reads = new HeldReads();
    await start({ wrapSessions: (store) => reads.wrap(store) });
    const keys = [new SoftAuthenticator(), new SoftAuthenticator()];
    const registering = await signedIn(portal);
    const csrf = csrfOf(registering.page.body);
    for (const key of keys) {
      const reply = await answer(registering.browser, csrf, key.register({ challenge: await challengeFor(registering.browser, csrf), origin: RP.origins[0]!, rpId: RP.rpId }));
      expect(reply.location).to.equal('/manageotp?m=passkey_added');
    }
    const browser = portal.browser();
    const codePage = await follow(browser, await postPassword(browser, 'alice', PASSWORDS.alice!));
    const signInCsrf = csrfOf(codePage.body);
    const { options } = (await browser.postJson('/manageotp/passkey-signin/options', { csrf: signInCsrf })).json() as { options: { challenge: string } };
    const assertions = keys.map((key) => key.assert({ challenge: options.challenge, origin: RP.origins[0]!, rpId: RP.rpId }));
    reads.arm(2);
    const replies = await Promise.all(assertions.map(async (response) => (await browser.postJson('/manageotp/passkey-signin', { csrf: signInCsrf, response })).json() as { location: string }));
    expect(replies.map((r) => r.location).sort()).to.deep.equal(['/manageotp?m=passkey_signin_refused', '/manageotp?m=signed_in']);
    expect(portal.logs.lines.filter((l) => l.event === 'webauthn_accepted')).to.have.length(1);
    expect(portal.logs.lines.filter((l) => l.event === 'webauthn_no_challenge')).to.have.length(1);
  });

  it('a challenge is spent by its first answer, right or wrong: a good answer after a bad one is refused', async () => {
    await start();
    const { browser, page } = await signedIn(portal);
    const csrf = csrfOf(page.body);
    const challenge = await challengeFor(browser, csrf);
    expect((await answer(browser, csrf, '{"type":"public-key"}')).location).to.equal('/manageotp?m=passkey_refused');
    const late = await answer(browser, csrf, new SoftAuthenticator().register({ challenge, origin: RP.origins[0]!, rpId: RP.rpId }));
    expect(late.location).to.equal('/manageotp?m=passkey_refused');
    expect(await portal.sqlite.listPasskeys('alice')).to.deep.equal([]);
  });

  describe('webauthn.allowedAaguids', () => {
    it('refuses a key of a model not on the list, with a page naming the keys accepted; a listed model is registered', async () => {
      await start({ webauthn: { ...RP, allowedAaguids: [YUBIKEY_5], allowedKeysText: 'the YubiKey 5 keys the IT desk hands out' } });
      const { browser, page } = await signedIn(portal);
      const csrf = csrfOf(page.body);
      const options = (await browser.postJson('/manageotp/passkeys/options', { name: 'Key', csrf })).json() as { options: { challenge: string; attestation: string } };
      expect(options.options.attestation, 'an AAGUID survives only direct attestation').to.equal('direct');

      const refused = await answer(browser, csrf, new SoftAuthenticator(OTHER_MODEL).register({ challenge: options.options.challenge, origin: RP.origins[0]!, rpId: RP.rpId }));
      expect(refused.location).to.equal('/manageotp?m=passkey_model');
      const shown = await browser.get(refused.location);
      expect(shown.body).to.include('Your organisation does not allow this model of security key')
        .and.include('Accepted keys: the YubiKey 5 keys the IT desk hands out.');
      expect(portal.logs.lines.find((l) => l.event === 'manageotp_passkey_refused')).to.include({ user: 'alice', reason: 'model_not_allowed' })
        .and.have.property('detail').that.includes(OTHER_MODEL);
      expect(await portal.sqlite.listPasskeys('alice')).to.deep.equal([]);

      const listed = new SoftAuthenticator(YUBIKEY_5);
      const added = await answer(browser, csrf, listed.register({ challenge: await challengeFor(browser, csrf), origin: RP.origins[0]!, rpId: RP.rpId }));
      expect(added.location).to.equal('/manageotp?m=passkey_added');
      expect((await portal.sqlite.listPasskeys('alice')).map((p) => p.aaguid)).to.deep.equal([YUBIKEY_5]);
    });

    it('without allowedKeysText, names the AAGUIDs accepted; with no list, says nothing of models', async () => {
      await start({ webauthn: { ...RP, allowedAaguids: [YUBIKEY_5] } });
      const { page } = await signedIn(portal);
      expect(page.body).to.include(`Accepted keys: only the models your organisation listed (AAGUID ${YUBIKEY_5}).`);
      await portal.close();
      await start();
      expect((await signedIn(portal)).page.body).to.include('Add a passkey or security key').and.not.include('Accepted keys');
    });
  });

  describe('removing a key', () => {
    const seed = async (user: string, name: string): Promise<Passkey> => {
      const added = await portal.sqlite.addPasskey(user, { id: newDeviceId(), name, credentialId: `cred-${name.length}-${user}`, publicKey: 'pQECAyYg', counter: 0, transports: ['usb'], aaguid: '00000000-0000-0000-0000-000000000000' });
      if (!added) throw new Error('not added');
      return added;
    };

    it('asks first, on a page that works without script: "Remove <name>? You will no longer be able to sign in with it"', async () => {
      await start();
      // Seeded once signed in: a user with a key owes it as the portal's second step.
      const { browser } = await signedIn(portal);
      const key = await seed('alice', 'Blue key');
      const page = await browser.get('/manageotp');
      // The list links to the confirmation; it holds no form that removes at once.
      expect(page.body).to.include(`href="/manageotp/passkeys/${key.id}/remove"`).and.not.include(`action="/manageotp/passkeys/${key.id}/remove"`);
      const confirm = await browser.get(`/manageotp/passkeys/${key.id}/remove`);
      expect(confirm.status).to.equal(200);
      expect(confirm.body).to.include('<h1>Remove Blue key?</h1>').and.include('You will no longer be able to sign in with it.')
        .and.include(`<form method="post" action="/manageotp/passkeys/${key.id}/remove"`).and.include('<a href="/manageotp">Keep it</a>')
        .and.not.include('<script');
      expect(await portal.sqlite.getPasskey('alice', key.id), 'asking removes nothing').to.deep.equal(key);

      const removed = await browser.post(`/manageotp/passkeys/${key.id}/remove`, { csrf: csrfOf(confirm.body) });
      expect(removed.headers.get('location')).to.equal('/manageotp?m=passkey_removed');
      expect((await follow(browser, removed)).body).to.include('It can no longer sign you in.');
      expect(await portal.sqlite.listPasskeys('alice')).to.deep.equal([]);
      expect(portal.logs.lines.find((l) => l.event === 'manageotp_passkey_removed')).to.include({ user: 'alice', passkeyId: key.id });
    });

    it('the removal is refused without the form\'s CSRF token, and another user\'s key is neither shown nor removed', async () => {
      await start();
      const { browser } = await signedIn(portal, 'alice');
      const bobsPage = await signedIn(portal, 'bob');
      const alices = await seed('alice', 'Alice\'s key');
      const bobs = await seed('bob', '<img src=x onerror=alert(1)>');
      const forged = await browser.post(`/manageotp/passkeys/${alices.id}/remove`, { csrf: 'not-the-token' });
      expect(forged.status).to.equal(403);
      expect(await portal.sqlite.getPasskey('alice', alices.id)).to.deep.equal(alices);

      const notHers = await browser.get(`/manageotp/passkeys/${bobs.id}/remove`);
      expect(notHers.headers.get('location')).to.equal('/manageotp?m=no_passkey');
      const confirm = await bobsPage.browser.get(`/manageotp/passkeys/${bobs.id}/remove`);
      expect(confirm.body).to.include('Remove &lt;img src=x onerror=alert(1)&gt;?').and.not.include('<img src=x');
      const removed = await browser.post(`/manageotp/passkeys/${bobs.id}/remove`, { csrf: csrfOf(confirm.body) });
      expect(removed.status, 'alice\'s session with bob\'s token').to.equal(403);
      expect(await portal.sqlite.listPasskeys('bob')).to.have.length(1);
    });
  });
});
