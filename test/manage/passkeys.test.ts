import { expect } from 'chai';
import type { Store } from '../../src/state/store.js';
import { SoftAuthenticator } from '../helpers/soft_authenticator.js';
import type { TestBrowser } from '../helpers/browser.js';
import { PASSWORDS, csrfOf, follow, postPassword, signedIn, startPortal, type PortalOptions, type PortalUnderTest } from './helpers/portal_app.js';

// Passkeys at /manageotp over HTTP, answered by a software authenticator (test/helpers/
// soft_authenticator.ts) where a browser's would not do: two answers to one challenge at once.

const RP = { rpId: 'vpn.example.org', origins: ['https://vpn.example.org'] };

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
});
