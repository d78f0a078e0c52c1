import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newDeviceId } from '../../src/otp/device_store.js';
import { SqliteDeviceStore } from '../../src/otp/sqlite_device_store.js';
import type { LoginContext } from '../../src/providers/provider.js';
import { WebauthnProvider } from '../../src/providers/webauthn/webauthn_provider.js';
import { FakeClock } from '../helpers/clock.js';
import { captureLogs } from '../helpers/log_capture.js';

// The WebAuthn provider's own decisions, before any signature is checked (that is
// @simplewebauthn/server's, exercised with real keys in test/e2e/webauthn.e2e.test.ts): which
// credentials a challenge names, that a challenge is spent and dies, and what is no assertion.

const ctx = (username: string, deadline: number): LoginContext => ({
  username, clientIp: '192.0.2.7', deadline, passwordChecked: true, password: () => 'unused', tokenPin: () => undefined,
});
const assertionBy = (credentialId: string) => JSON.stringify({
  id: credentialId, rawId: credentialId, type: 'public-key',
  response: { clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0', authenticatorData: 'SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAQ', signature: 'MEUCIQ' },
});

describe('WebAuthn provider (src/providers/webauthn/webauthn_provider.ts)', () => {
  let dir: string;
  let store: SqliteDeviceStore;
  let clock: FakeClock;
  let logs: ReturnType<typeof captureLogs>;
  let provider: WebauthnProvider;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fg-webauthn-'));
    clock = new FakeClock();
    store = await SqliteDeviceStore.open({ path: join(dir, 'otp.sqlite'), clock });
    logs = captureLogs();
    provider = new WebauthnProvider({ store, config: { rpId: 'vpn.example.org', origins: ['https://vpn.example.org'], userVerification: 'preferred' }, logger: logs.logger, now: () => clock.now() });
    for (const [user, credentialId] of [['alice', 'alice-key-1'], ['alice', 'alice-key-2'], ['bob', 'bob-key']] as const) {
      await store.addPasskey(user, { id: newDeviceId(), name: credentialId, credentialId, publicKey: 'pQECAyYgASFYIA', counter: 0, transports: ['usb'], aaguid: '00000000-0000-0000-0000-000000000000' });
    }
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names only this user\'s credentials, with an RP ID and a fresh challenge each time', async () => {
    const first = await provider.start(ctx('alice', clock.now() + 60_000));
    const second = await provider.start(ctx('alice', clock.now() + 60_000));
    if (first.outcome !== 'challenge' || first.challenge.kind !== 'webauthn' || second.outcome !== 'challenge') return expect.fail('no challenge');
    expect(first.challenge.options.allowCredentials?.map((c) => c.id)).to.have.members(['alice-key-1', 'alice-key-2']).and.have.length(2);
    expect(first.challenge.options.rpId).to.equal('vpn.example.org');
    expect(first.state.challenge).to.equal(first.challenge.options.challenge).and.not.equal(second.state.challenge);
  });

  it('fails a user without a passkey, so a later policy may apply, and logs it', async () => {
    expect(await provider.start(ctx('carol', clock.now() + 60_000))).to.deep.include({ outcome: 'fail', reason: 'no_passkey', canRetry: false });
    expect(logs.lines.at(-1)).to.include({ event: 'webauthn_no_passkey', user: 'carol' });
  });

  it('challenges die with the login: expiry at the login\'s deadline when that comes first', async () => {
    const started = await provider.start(ctx('alice', clock.now() + 5_000));
    if (started.outcome !== 'challenge') return expect.fail('no challenge');
    expect(started.state.expiresAt).to.equal(clock.now() + 5_000);
    clock.advance(5_001);
    const late = await provider.verify(ctx('alice', clock.now()), started.state, assertionBy('alice-key-1'));
    expect(late).to.deep.include({ outcome: 'fail', reason: 'passcode_expired', state: {} });
    expect(logs.lines.at(-1)).to.include({ event: 'webauthn_challenge_expired' });
  });

  it('answers with the challenge spent, whatever the result: a second try of the same state finds none', async () => {
    const started = await provider.start(ctx('alice', clock.now() + 60_000));
    if (started.outcome !== 'challenge') return expect.fail('no challenge');
    const refused = await provider.verify(ctx('alice', clock.now() + 60_000), started.state, assertionBy('alice-key-1'));
    expect(refused).to.deep.include({ outcome: 'fail', reason: 'passcode_invalid', state: {} });
    expect(logs.lines.at(-1)).to.include({ event: 'webauthn_assertion_refused', user: 'alice' });
    expect(await provider.verify(ctx('alice', clock.now() + 60_000), refused.state, assertionBy('alice-key-1'))).to.deep.include({ outcome: 'fail', reason: 'passcode_invalid' });
    expect(logs.lines.at(-1)).to.include({ event: 'webauthn_no_challenge' });
  });

  it('refuses another user\'s credential before any check, and what is no assertion', async () => {
    const started = await provider.start(ctx('alice', clock.now() + 60_000));
    if (started.outcome !== 'challenge') return expect.fail('no challenge');
    expect(await provider.verify(ctx('alice', clock.now() + 60_000), started.state, assertionBy('bob-key'))).to.deep.include({ outcome: 'fail', reason: 'passcode_invalid' });
    expect(logs.lines.at(-1)).to.include({ event: 'webauthn_unknown_credential', user: 'alice' });
    for (const junk of ['', 'null', '[]', '{"id":"a","rawId":"b","type":"public-key","response":{}}', assertionBy('alice key!'), `{"x":"${'a'.repeat(9000)}"}`]) {
      expect(await provider.verify(ctx('alice', clock.now() + 60_000), started.state, junk), junk.slice(0, 40)).to.deep.include({ outcome: 'fail', reason: 'passcode_invalid' });
      expect(logs.lines.at(-1)).to.include({ event: 'webauthn_assertion_unreadable' });
    }
  });
});
