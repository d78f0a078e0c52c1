import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { Keyring } from '../../../src/security/keyring.js';
import { openDeviceCredential, sealDeviceCredential } from '../../../src/security/device_credential.js';

const keyring = new Keyring('device-test-secret-0123456789-abcdefgh');
const NOW = 1_800_000_000_000;
const HOUR = 3_600_000;
const ID = 'A'.repeat(22);

/** A DeviceKey cookie written by an earlier version, with the secret it was sealed under. */
const KNOWN = JSON.parse(readFileSync(new URL('../fixtures/keyring-v1.json', import.meta.url), 'utf8')) as {
  secret: string;
  deviceCookie: { username: string; credential: string; expiresAt: number; cookie: string };
};

describe('remembered-device cookie (src/security/device_credential.ts)', () => {
  it('gives back the credential to the user it was issued for, before it expires', () => {
    const cookie = sealDeviceCredential(keyring, 'alice', 'device-key-1', NOW + HOUR, ID);
    expect(openDeviceCredential(keyring, cookie, 'alice', NOW)).to.deep.equal({ kind: 'valid', credential: 'device-key-1', id: ID });
  });

  it('does not show the credential or the user in the cookie', () => {
    const cookie = sealDeviceCredential(keyring, 'alice', 'device-key-1', NOW + HOUR, ID);
    expect(cookie).not.to.include('device-key-1');
    expect(cookie).not.to.include('alice');
    expect(cookie).to.match(/^[A-Za-z0-9_-]+$/);
  });

  it('refuses the cookie for another user as other_user', () => {
    const cookie = sealDeviceCredential(keyring, 'alice', 'device-key-1', NOW + HOUR, ID);
    expect(openDeviceCredential(keyring, cookie, 'bob', NOW)).to.deep.equal({ kind: 'invalid', why: 'other_user' });
    // user names are compared exactly: another spelling is another user
    expect(openDeviceCredential(keyring, cookie, 'Alice', NOW)).to.deep.equal({ kind: 'invalid', why: 'other_user' });
  });

  it('refuses the cookie at and after its expiry as expired', () => {
    const cookie = sealDeviceCredential(keyring, 'alice', 'device-key-1', NOW + HOUR, ID);
    expect(openDeviceCredential(keyring, cookie, 'alice', NOW + HOUR - 1).kind).to.equal('valid');
    expect(openDeviceCredential(keyring, cookie, 'alice', NOW + HOUR)).to.deep.equal({ kind: 'invalid', why: 'expired' });
    expect(openDeviceCredential(keyring, cookie, 'alice', NOW + 2 * HOUR)).to.deep.equal({ kind: 'invalid', why: 'expired' });
  });

  it('refuses a tampered cookie as unreadable', () => {
    const cookie = sealDeviceCredential(keyring, 'alice', 'device-key-1', NOW + HOUR, ID);
    const raw = Buffer.from(cookie, 'base64url');
    for (let i = 0; i < raw.length; i++) {
      const tampered = Buffer.from(raw);
      tampered[i] = tampered[i]! ^ 0x80;
      expect(openDeviceCredential(keyring, tampered.toString('base64url'), 'alice', NOW), `byte ${i}`).to.deep.equal({ kind: 'invalid', why: 'unreadable' });
    }
  });

  it('refuses garbage as unreadable without throwing', () => {
    for (const garbage of ['', 'x', 'DeviceKey', '{"u":"alice","k":"x","e":99999999999999}', '%00%00', 'A'.repeat(40)]) {
      expect(openDeviceCredential(keyring, garbage, 'alice', NOW), JSON.stringify(garbage)).to.deep.equal({ kind: 'invalid', why: 'unreadable' });
    }
  });

  it('refuses an oversized cookie as unreadable, even when it is genuinely sealed', () => {
    const cookie = sealDeviceCredential(keyring, 'alice', 'k'.repeat(1000), NOW + HOUR, ID);
    expect(cookie.length).to.be.greaterThan(1024);
    expect(openDeviceCredential(keyring, cookie, 'alice', NOW)).to.deep.equal({ kind: 'invalid', why: 'unreadable' });
  });

  it('accepts a genuinely sealed cookie of exactly 1024 characters, the limit', () => {
    // Sealed cookies grow in steps of one or two characters: 673 characters of credential (with a 22-character id) make
    // 1024, one more makes 1026.
    const atLimit = sealDeviceCredential(keyring, 'alice', 'k'.repeat(673), NOW + HOUR, ID);
    expect(atLimit).to.have.length(1024);
    expect(openDeviceCredential(keyring, atLimit, 'alice', NOW).kind).to.equal('valid');
    const over = sealDeviceCredential(keyring, 'alice', 'k'.repeat(674), NOW + HOUR, ID);
    expect(over).to.have.length(1026);
    expect(openDeviceCredential(keyring, over, 'alice', NOW)).to.deep.equal({ kind: 'invalid', why: 'unreadable' });
  });

  it('still opens a cookie an earlier version sealed: remembered devices survive an upgrade', () => {
    const { username, credential, expiresAt, cookie } = KNOWN.deviceCookie;
    expect(openDeviceCredential(new Keyring(KNOWN.secret), cookie, username, expiresAt - HOUR)).to.deep.equal({ kind: 'valid', credential });
  });

  it('refuses a cookie sealed under another keyring as unreadable', () => {
    const foreign = sealDeviceCredential(new Keyring('another-deployment-secret-0123456789ab'), 'alice', 'device-key-1', NOW + HOUR, ID);
    expect(openDeviceCredential(keyring, foreign, 'alice', NOW)).to.deep.equal({ kind: 'invalid', why: 'unreadable' });
  });

  it('refuses a value sealed for another purpose, even with the same keyring', () => {
    const sealedElsewhere = keyring.seal(JSON.stringify({ u: 'alice', k: 'device-key-1', e: NOW + HOUR }), 'login:abc');
    expect(openDeviceCredential(keyring, sealedElsewhere, 'alice', NOW)).to.deep.equal({ kind: 'invalid', why: 'unreadable' });
  });

  it('refuses a well-sealed payload of the wrong shape as unreadable', () => {
    const later = NOW + HOUR;
    for (const payload of ['not json', '"a string"', '42', '{"u":"alice","k":"x","e":"never"}', '{"u":"alice","e":1}', '["alice","x",1]', `{"k":"x","e":${later}}`, `{"u":["alice"],"k":"x","e":${later}}`]) {
      const cookie = keyring.seal(payload, 'device-cookie');
      expect(openDeviceCredential(keyring, cookie, 'alice', NOW), payload).to.deep.equal({ kind: 'invalid', why: 'unreadable' });
    }
  });

  it('refuses a well-sealed JSON null payload as unreadable instead of throwing', () => {
    // Only a holder of the secret can seal this, but the shape check is there to make the
    // function total: it must answer, not throw, whatever the sealed text holds.
    const cookie = keyring.seal('null', 'device-cookie');
    expect(openDeviceCredential(keyring, cookie, 'alice', NOW)).to.deep.equal({ kind: 'invalid', why: 'unreadable' });
  });

  it('still opens a cookie sealed before a key rotation while the old secret is listed', () => {
    const oldSecret = 'before-rotation-secret-0123456789abcd';
    const cookie = sealDeviceCredential(new Keyring(oldSecret), 'alice', 'device-key-1', NOW + HOUR, ID);
    expect(openDeviceCredential(new Keyring('after-rotation-secret-0123456789abcde', [oldSecret]), cookie, 'alice', NOW).kind).to.equal('valid');
  });
});
