import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDeviceStore } from '../../src/otp/sqlite_device_store.js';
import type { LoginContext } from '../../src/providers/provider.js';
import { webauthnConfigSchema, type WebauthnConfig } from '../../src/providers/webauthn/config.js';
import { finishRegistration, registrationOptions } from '../../src/providers/webauthn/registration.js';
import { WebauthnProvider } from '../../src/providers/webauthn/webauthn_provider.js';
import { FakeClock } from '../helpers/clock.js';
import { captureLogs } from '../helpers/log_capture.js';
import { SoftAuthenticator, type Ceremony } from '../helpers/soft_authenticator.js';

// What @simplewebauthn/server checks for factorgate, with answers crafted by a software
// authenticator that no browser would give: made for another RP ID (a phishing site's passkey),
// on an origin not configured, without user verification where it is required. Each refusal has
// its control: the same answer, made right, is accepted.

const RP_ID = 'vpn.example.org';
const ORIGIN = 'https://vpn.example.org';
const ctx: LoginContext = { username: 'alice', clientIp: '192.0.2.7', deadline: Number.MAX_SAFE_INTEGER, passwordChecked: true, password: () => 'unused', tokenPin: () => undefined };

describe('WebAuthn checks on crafted answers (src/providers/webauthn/registration.ts, webauthn_provider.ts)', () => {
  let dir: string;
  let store: SqliteDeviceStore;
  let clock: FakeClock;
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fg-webauthn-checks-'));
    clock = new FakeClock();
    store = await SqliteDeviceStore.open({ path: join(dir, 'otp.sqlite'), clock });
    logs = captureLogs();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const configOf = (extra: Partial<WebauthnConfig> = {}) => webauthnConfigSchema.parse({ enabled: true, rpId: RP_ID, origins: [ORIGIN], ...extra });
  const providerOf = (config: WebauthnConfig) => new WebauthnProvider({ store, config, logger: logs.logger, now: () => clock.now() });

  /** Registers the key through the same checks as the portal: the control that it is a good key. */
  async function register(key: SoftAuthenticator, config: WebauthnConfig, ceremony: Partial<Ceremony> = {}) {
    const { challenge } = await registrationOptions({ store, config }, 'alice');
    return finishRegistration({ store, config }, 'alice', 'Key', challenge, key.register({ challenge, origin: ORIGIN, rpId: RP_ID, ...ceremony }));
  }

  /** A login's challenge answered by the key, as `ceremony` says. */
  async function signIn(key: SoftAuthenticator, config: WebauthnConfig, ceremony: Partial<Ceremony> = {}) {
    const provider = providerOf(config);
    const started = await provider.start(ctx);
    if (started.outcome !== 'challenge') return expect.fail('no challenge');
    return provider.verify(ctx, started.state, key.assert({ challenge: String(started.state.challenge), origin: ORIGIN, rpId: RP_ID, ...ceremony }));
  }
  const refusedFor = () => logs.lines.filter((l) => l.event === 'webauthn_assertion_refused').map((l) => String(l.reason));

  describe('at sign-in', () => {
    it('accepts the key\'s assertion made for this RP ID, on a configured origin (the control)', async () => {
      const config = configOf();
      const key = new SoftAuthenticator();
      expect(await register(key, config)).to.have.property('outcome', 'added');
      expect(await signIn(key, config)).to.deep.include({ outcome: 'success' });
    });

    it('refuses an assertion made for another RP ID (the same key used by a look-alike site), and logs why', async () => {
      const config = configOf();
      const key = new SoftAuthenticator();
      await register(key, config);
      expect(await signIn(key, config, { rpId: 'vpn.example.org.evil.test' })).to.deep.include({ outcome: 'fail', reason: 'passcode_invalid' });
      expect(refusedFor()).to.have.length(1);
      expect(refusedFor()[0]).to.match(/RP ID/i);
      expect((await store.listPasskeys('alice'))[0]?.counter, 'nothing recorded').to.equal(1);
    });

    it('refuses an assertion made on an origin not in webauthn.origins, and logs why', async () => {
      const config = configOf();
      const key = new SoftAuthenticator();
      await register(key, config);
      expect(await signIn(key, config, { origin: 'https://vpn-example.org.evil.test' })).to.deep.include({ outcome: 'fail' });
      expect(refusedFor()[0]).to.match(/origin/i);
    });

    it('with userVerification required, refuses an assertion without it; preferred takes the same', async () => {
      const key = new SoftAuthenticator();
      await register(key, configOf());
      expect(await signIn(key, configOf({ userVerification: 'required' }), { userVerified: false })).to.deep.include({ outcome: 'fail' });
      expect(refusedFor()[0]).to.match(/verif/i);
      expect(await signIn(key, configOf({ userVerification: 'preferred' }), { userVerified: false })).to.deep.include({ outcome: 'success' });
    });
  });

  describe('at registration', () => {
    it('refuses a key made for another RP ID or on another origin', async () => {
      const config = configOf();
      const rp = await register(new SoftAuthenticator(), config, { rpId: 'evil.test' });
      expect(rp).to.deep.include({ outcome: 'refused', reason: 'invalid' });
      expect(rp.outcome === 'refused' && rp.detail).to.match(/RP ID/i);
      const origin = await register(new SoftAuthenticator(), config, { origin: 'https://evil.test' });
      expect(origin).to.deep.include({ outcome: 'refused', reason: 'invalid' });
      expect(await store.listPasskeys('alice')).to.deep.equal([]);
    });

    it('with userVerification required, refuses a key that did not verify the user; a verifying key is added', async () => {
      const config = configOf({ userVerification: 'required' });
      const unverified = await register(new SoftAuthenticator(), config, { userVerified: false });
      expect(unverified).to.deep.include({ outcome: 'refused', reason: 'invalid' });
      expect(unverified.outcome === 'refused' && unverified.detail).to.match(/verif/i);
      expect(await register(new SoftAuthenticator(), config)).to.have.property('outcome', 'added');
    });

    it('with allowedAaguids, refuses another model (naming its AAGUID) and adds a listed one', async () => {
      const listed = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';
      const config = configOf({ allowedAaguids: [listed] });
      const other = await register(new SoftAuthenticator('ee882879-721c-4913-9775-3dfcce97072a'), config);
      expect(other).to.deep.include({ outcome: 'refused', reason: 'model_not_allowed' });
      expect(other.outcome === 'refused' && other.detail).to.include('ee882879-721c-4913-9775-3dfcce97072a');
      const unnamed = await register(new SoftAuthenticator(), config);
      expect(unnamed, 'a key that names no model (all zeros)').to.deep.include({ outcome: 'refused', reason: 'model_not_allowed' });
      expect(await register(new SoftAuthenticator(listed), config)).to.have.property('outcome', 'added');
      expect((await store.listPasskeys('alice')).map((p) => p.aaguid)).to.deep.equal([listed]);
    });
  });
});
