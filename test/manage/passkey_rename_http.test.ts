import { expect } from 'chai';
import { MAX_DEVICE_NAME, newDeviceId, type Passkey } from '../../src/otp/device_store.js';
import { csrfOf, follow, signedIn, startPortal, type PortalUnderTest } from './helpers/portal_app.js';

// Renaming a passkey at /manageotp over HTTP (src/manage/steps/passkeys.ts renamePasskey): the
// form on the portal page, as a browser posts it. Each refusal leaves the stored name as it was.

const RP = { rpId: 'vpn.example.org', origins: ['https://vpn.example.org'] };

describe('/manageotp renames a passkey over HTTP', () => {
  let portal: PortalUnderTest;
  afterEach(() => portal?.close());

  const seed = async (user: string, name: string): Promise<Passkey> => {
    const added = await portal.sqlite.addPasskey(user, { id: newDeviceId(), name, credentialId: `cred-${user}-${name.length}`, publicKey: 'pQECAyYg', counter: 0, transports: ['usb'], aaguid: '00000000-0000-0000-0000-000000000000' });
    if (!added) throw new Error('not added');
    return added;
  };
  const nameOf = async (user: string, id: string) => (await portal.sqlite.getPasskey(user, id))?.name;

  /** alice signed in (password only: her key is seeded after), and the portal page's form token. */
  async function aliceWithKey(): Promise<{ browser: Awaited<ReturnType<typeof signedIn>>['browser']; csrf: string; key: Passkey }> {
    portal = await startPortal({ webauthn: RP });
    const { browser } = await signedIn(portal);
    const key = await seed('alice', 'Blue key');
    const page = await browser.get('/manageotp');
    expect(page.body, 'the page offers the rename form').to.include(`action="/manageotp/passkeys/${key.id}/rename"`);
    return { browser, csrf: csrfOf(page.body), key };
  }

  it('renames the user\'s own key, trimmed, and says so on the page and in one log line', async () => {
    const { browser, csrf, key } = await aliceWithKey();
    const reply = await browser.post(`/manageotp/passkeys/${key.id}/rename`, { name: '  Desk key  ', csrf });
    expect(reply.status).to.equal(303);
    expect(reply.headers.get('location')).to.equal('/manageotp?m=passkey_renamed');
    expect(await nameOf('alice', key.id)).to.equal('Desk key');
    const page = await follow(browser, reply);
    expect(page.body).to.include('The passkey was renamed.').and.include('Desk key');
    expect(portal.logs.lines.find((l) => l.event === 'manageotp_passkey_renamed')).to.include({ user: 'alice', passkeyId: key.id });
  });

  it('refuses a name too long, empty, or with a control character, with the message that says the rule', async () => {
    const { browser, csrf, key } = await aliceWithKey();
    for (const name of ['x'.repeat(MAX_DEVICE_NAME + 1), 'Desk\u0007key', 'Desk\nkey', '   ']) {
      const reply = await browser.post(`/manageotp/passkeys/${key.id}/rename`, { name, csrf });
      expect(reply.status, JSON.stringify(name)).to.equal(303);
      expect(reply.headers.get('location'), JSON.stringify(name)).to.equal('/manageotp?m=name_invalid');
      expect(await nameOf('alice', key.id), JSON.stringify(name)).to.equal('Blue key');
    }
    // The longest name allowed is the control: the refusal above is the length's, not the form's.
    const longest = await browser.post(`/manageotp/passkeys/${key.id}/rename`, { name: 'y'.repeat(MAX_DEVICE_NAME), csrf });
    expect(longest.headers.get('location')).to.equal('/manageotp?m=passkey_renamed');
    expect(await nameOf('alice', key.id)).to.equal('y'.repeat(MAX_DEVICE_NAME));
    expect(portal.logs.lines.filter((l) => l.event === 'manageotp_passkey_renamed')).to.have.length(1);
  });

  it('refuses a post without the session\'s form token, or with another one, and renames nothing', async () => {
    const { browser, key } = await aliceWithKey();
    for (const form of [{ name: 'Forged' }, { name: 'Forged', csrf: 'not-the-token' }] as Array<Record<string, string>>) {
      const reply = await browser.post(`/manageotp/passkeys/${key.id}/rename`, form);
      expect(reply.status, JSON.stringify(form)).to.equal(403);
      expect(reply.body).to.include('did not come from this site');
    }
    expect(await nameOf('alice', key.id)).to.equal('Blue key');
    expect(portal.logs.lines.filter((l) => l.event === 'manageotp_passkey_renamed')).to.deep.equal([]);
  });

  it('refuses another user\'s key id: that key keeps its name and nothing is logged as renamed', async () => {
    const { browser, csrf } = await aliceWithKey();
    const bobs = await seed('bob', 'Bob\'s key');
    const reply = await browser.post(`/manageotp/passkeys/${bobs.id}/rename`, { name: 'Mine now', csrf });
    expect(reply.status).to.equal(303);
    expect(reply.headers.get('location')).to.equal('/manageotp?m=no_passkey');
    expect(await nameOf('bob', bobs.id)).to.equal('Bob\'s key');
    expect(await portal.sqlite.listPasskeys('alice'), 'nor is it moved to alice').to.have.length(1);
    expect(portal.logs.lines.filter((l) => l.event === 'manageotp_passkey_renamed')).to.deep.equal([]);
  });
});
