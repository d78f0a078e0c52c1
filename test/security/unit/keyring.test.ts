import { expect } from 'chai';
import { createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Keyring, randomToken } from '../../../src/security/keyring.js';

const CURRENT = 'current-secret-0123456789-abcdefghijk';
const OLD = 'old-secret-0123456789-abcdefghijklmnopq';
const OTHER = 'other-secret-0123456789-abcdefghijklmn';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Values written by the keyring of an earlier version, with the secret they were written under. */
const KNOWN = JSON.parse(readFileSync(new URL('../fixtures/keyring-v1.json', import.meta.url), 'utf8')) as {
  secret: string;
  signed: { purpose: string; value: string; token: string };
  sealed: { context: string; plaintext: string; sealed: string };
};

/** The keys as the keyring derives them: HKDF-SHA256 of the secret, no salt, info `factorgate <use> v1`. */
const hkdfKey = (secret: string, use: 'sign' | 'seal') => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `factorgate ${use} v1`, 32));

/** AES-256-GCM as the keyring lays it out (nonce, tag, ciphertext), outside the keyring; undefined when it does not open. */
function decryptWith(key: Buffer, sealed: string, context: string): string | undefined {
  const raw = Buffer.from(sealed, 'base64url');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** The same base64url text with one byte of what it encodes flipped. */
function flipByte(encoded: string, index: number): string {
  const raw = Buffer.from(encoded, 'base64url');
  raw[index] = raw[index]! ^ 0x01;
  return raw.toString('base64url');
}

describe('keyring (src/security/keyring.ts)', () => {
  const keyring = new Keyring(CURRENT);

  describe('sign and verify', () => {
    it('verifies what it signed and gives back the value', () => {
      const token = keyring.sign('handle', 'login-id-123');
      expect(keyring.verify('handle', token)).to.equal('login-id-123');
    });

    it('keeps a value that itself contains dots', () => {
      const token = keyring.sign('handle', 'a.b.c');
      expect(keyring.verify('handle', token)).to.equal('a.b.c');
    });

    it('refuses a token whose value was changed', () => {
      const token = keyring.sign('handle', 'login-id-123');
      expect(keyring.verify('handle', token.replace('login-id-123', 'login-id-124'))).to.equal(undefined);
    });

    it('refuses a token whose signature has any one character replaced', () => {
      const token = keyring.sign('handle', 'login-id-123');
      const dot = token.lastIndexOf('.');
      // Replacing only the last character's unused low bits would not change the bytes, so the
      // test changes a character's top bits (index + 16), which always changes the signature.
      for (let i = dot + 1; i < token.length; i++) {
        const replacement = ALPHABET[(ALPHABET.indexOf(token[i]!) + 16) % 64]!;
        const tampered = token.slice(0, i) + replacement + token.slice(i + 1);
        expect(keyring.verify('handle', tampered), `position ${i}`).to.equal(undefined);
      }
    });

    it('refuses a signature spelled with characters outside base64url or non-canonical bits', () => {
      // A token has one spelling: verify must not accept variants that decode to the same bytes.
      const token = keyring.sign('handle', 'login-id-123');
      const signature = token.slice(token.lastIndexOf('.') + 1);
      const last = ALPHABET.indexOf(signature.at(-1)!);
      const sameBytes = token.slice(0, -1) + ALPHABET[(last & ~3) | ((last + 1) & 3)]!;
      for (const variant of [`${token}!`, `${token}=`, `${token} `, token.replace(`.${signature}`, `.*${signature}`), sameBytes]) {
        expect(keyring.verify('handle', variant), JSON.stringify(variant)).to.equal(undefined);
      }
    });

    it('refuses a token with the signature cut short or missing', () => {
      const token = keyring.sign('handle', 'login-id-123');
      expect(keyring.verify('handle', token.slice(0, -4))).to.equal(undefined);
      expect(keyring.verify('handle', token.slice(0, token.lastIndexOf('.') + 1))).to.equal(undefined);
      expect(keyring.verify('handle', 'login-id-123')).to.equal(undefined);
      expect(keyring.verify('handle', '')).to.equal(undefined);
      expect(keyring.verify('handle', `.${token.slice(token.lastIndexOf('.') + 1)}`)).to.equal(undefined);
    });

    it('refuses a token whose value is empty, even one it signed itself', () => {
      // Nothing is signed empty; a token that starts at its dot is malformed, whatever follows.
      expect(keyring.sign('handle', '')).to.match(/^\./);
      expect(keyring.verify('handle', keyring.sign('handle', ''))).to.equal(undefined);
    });

    it('refuses a token signed for another purpose', () => {
      const token = keyring.sign('a', 'value');
      expect(keyring.verify('a', token)).to.equal('value');
      expect(keyring.verify('b', token)).to.equal(undefined);
    });

    it('refuses a token signed with an unknown key', () => {
      const token = new Keyring(OTHER).sign('handle', 'login-id-123');
      expect(keyring.verify('handle', token)).to.equal(undefined);
    });

    it('verifies a token signed with a previous secret while that secret is listed', () => {
      const token = new Keyring(OLD).sign('handle', 'login-id-123');
      expect(new Keyring(CURRENT, [OLD]).verify('handle', token)).to.equal('login-id-123');
      expect(new Keyring(CURRENT).verify('handle', token)).to.equal(undefined);
      expect(new Keyring(CURRENT, [OTHER]).verify('handle', token)).to.equal(undefined);
    });

    it('keeps purpose and value apart: a signature does not carry over to another split of the same text', () => {
      // Without a separator between them, purpose "ab" with value "c" would sign the same bytes as
      // purpose "a" with value "bc".
      const token = keyring.sign('ab', 'c');
      const signature = token.slice(token.lastIndexOf('.') + 1);
      expect(keyring.verify('ab', token)).to.equal('c');
      expect(keyring.verify('a', `bc.${signature}`)).to.equal(undefined);
      expect(keyring.verify('abc', `.${signature}`)).to.equal(undefined);
    });

    it('signs with the current secret, not a previous one', () => {
      const token = new Keyring(CURRENT, [OLD]).sign('handle', 'v');
      expect(new Keyring(CURRENT).verify('handle', token)).to.equal('v');
      expect(new Keyring(OLD).verify('handle', token)).to.equal(undefined);
    });
  });

  describe('seal and open', () => {
    it('opens what it sealed', () => {
      const sealed = keyring.seal('pässword with ünicode ✓', 'login:1');
      expect(keyring.open(sealed, 'login:1')).to.equal('pässword with ünicode ✓');
    });

    it('opens an empty plaintext', () => {
      expect(keyring.open(keyring.seal('', 'ctx'), 'ctx')).to.equal('');
    });

    it('does not carry the plaintext in the sealed text', () => {
      const sealed = keyring.seal('hunter2-hunter2', 'ctx');
      expect(sealed).not.to.include('hunter2');
      expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.to.include('hunter2');
    });

    it('refuses to open under another context', () => {
      const sealed = keyring.seal('secret', 'login:1');
      expect(keyring.open(sealed, 'login:2')).to.equal(undefined);
      expect(keyring.open(sealed, '')).to.equal(undefined);
    });

    it('refuses a sealed value with any single byte altered', () => {
      const sealed = keyring.seal('the password', 'ctx');
      const length = Buffer.from(sealed, 'base64url').length;
      for (let i = 0; i < length; i++) {
        expect(keyring.open(flipByte(sealed, i), 'ctx'), `byte ${i}`).to.equal(undefined);
      }
    });

    it('refuses a sealed value cut short or lengthened', () => {
      const sealed = keyring.seal('the password', 'ctx');
      const raw = Buffer.from(sealed, 'base64url');
      expect(keyring.open(raw.subarray(0, raw.length - 1).toString('base64url'), 'ctx')).to.equal(undefined);
      expect(keyring.open(Buffer.concat([raw, Buffer.from([0])]).toString('base64url'), 'ctx')).to.equal(undefined);
    });

    it('refuses a sealed value whose tag was cut short', () => {
      // AES-GCM can check a tag of as few as 4 bytes, and Node accepts one unless the length is
      // fixed: a sealed empty value cut after its tag's first bytes must not open, or a forger
      // would have to guess 4 bytes instead of 16.
      const raw = Buffer.from(keyring.seal('', 'ctx'), 'base64url');
      expect(raw).to.have.length(12 + 16);
      for (const tagBytes of [4, 8, 12, 13, 14, 15]) {
        const truncated = raw.subarray(0, 12 + tagBytes).toString('base64url');
        expect(keyring.open(truncated, 'ctx'), `${tagBytes}-byte tag`).to.equal(undefined);
      }
    });

    it('refuses sealed text with characters outside base64url', () => {
      // One sealed value, one spelling: junk around it is tampering, not noise to skip.
      const sealed = keyring.seal('the password', 'ctx');
      for (const variant of [`${sealed}!`, `${sealed}.`, `*${sealed}`]) {
        expect(keyring.open(variant, 'ctx'), JSON.stringify(variant)).to.equal(undefined);
      }
    });

    it('seals the same plaintext differently each time', () => {
      const first = keyring.seal('same', 'ctx');
      const second = keyring.seal('same', 'ctx');
      expect(first).not.to.equal(second);
      expect(Buffer.from(first, 'base64url').subarray(0, 12)).not.to.deep.equal(Buffer.from(second, 'base64url').subarray(0, 12));
    });

    it('refuses what another keyring sealed', () => {
      const sealed = new Keyring(OTHER).seal('secret', 'ctx');
      expect(keyring.open(sealed, 'ctx')).to.equal(undefined);
    });

    it('opens what a previous secret sealed while that secret is listed', () => {
      const sealed = new Keyring(OLD).seal('secret', 'ctx');
      expect(new Keyring(CURRENT, [OLD]).open(sealed, 'ctx')).to.equal('secret');
      expect(new Keyring(CURRENT).open(sealed, 'ctx')).to.equal(undefined);
    });

    it('returns undefined for garbage instead of throwing', () => {
      for (const garbage of ['', 'x', '....', 'not base64 at all!', 'A'.repeat(27), 'A'.repeat(5000), '\u0000\u00ff', '%%%']) {
        expect(() => keyring.open(garbage, 'ctx'), JSON.stringify(garbage)).not.to.throw();
        expect(keyring.open(garbage, 'ctx')).to.equal(undefined);
      }
    });
  });

  describe('known answers: what an earlier version wrote still reads', () => {
    // Each remembered device, login handle and sealed TOTP secret in use was written this way: a
    // change to the key derivation, the signed or sealed layout makes all of them unreadable.
    const known = new Keyring(KNOWN.secret);

    it('verifies the token an earlier version signed, and signs the same value to the same token', () => {
      expect(known.verify(KNOWN.signed.purpose, KNOWN.signed.token)).to.equal(KNOWN.signed.value);
      expect(known.sign(KNOWN.signed.purpose, KNOWN.signed.value)).to.equal(KNOWN.signed.token);
    });

    it('opens the value an earlier version sealed', () => {
      expect(known.open(KNOWN.sealed.sealed, KNOWN.sealed.context)).to.equal(KNOWN.sealed.plaintext);
    });

    it('signs with HMAC-SHA256 under the HKDF "sign" key, over the purpose, a NUL and the value', () => {
      const mac = createHmac('sha256', hkdfKey(KNOWN.secret, 'sign')).update(`${KNOWN.signed.purpose}\0${KNOWN.signed.value}`).digest('base64url');
      expect(known.sign(KNOWN.signed.purpose, KNOWN.signed.value)).to.equal(`${KNOWN.signed.value}.${mac}`);
    });

    it('seals with AES-256-GCM under the HKDF "seal" key, the context as associated data', () => {
      const sealed = known.seal('sealed-plaintext', 'ctx:1');
      expect(decryptWith(hkdfKey(KNOWN.secret, 'seal'), sealed, 'ctx:1')).to.equal('sealed-plaintext');
    });

    it('signs and seals with different keys', () => {
      // Key separation: with one key for both, a weakness in either use would expose the other.
      const sealed = known.seal('sealed-plaintext', 'ctx:1');
      expect(decryptWith(hkdfKey(KNOWN.secret, 'sign'), sealed, 'ctx:1')).to.equal(undefined);
      const macUnderSealKey = createHmac('sha256', hkdfKey(KNOWN.secret, 'seal')).update(`p\0v`).digest('base64url');
      expect(known.sign('p', 'v')).not.to.equal(`v.${macUnderSealKey}`);
    });
  });

  describe('digest and matchesDigest', () => {
    it('matches the digest of the same value and purpose, and no other', () => {
      const digest = keyring.digest('code', 'alice:123456');
      expect(keyring.matchesDigest('code', 'alice:123456', digest)).to.equal(true);
      expect(keyring.matchesDigest('code', 'alice:123457', digest)).to.equal(false);
      expect(keyring.matchesDigest('other', 'alice:123456', digest)).to.equal(false);
    });

    it('a stored digest of another length (cut short, lengthened, empty) is no match, never an error', () => {
      const digest = keyring.digest('code', 'alice:123456');
      for (const stored of [digest.slice(0, -1), `${digest}A`, '']) {
        expect(keyring.matchesDigest('code', 'alice:123456', stored), JSON.stringify(stored)).to.equal(false);
      }
    });
  });

  describe('randomToken', () => {
    it('gives URL-safe tokens of the requested entropy, different each time', () => {
      const a = randomToken();
      const b = randomToken();
      expect(a).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(a).not.to.equal(b);
      expect(Buffer.from(randomToken(18), 'base64url')).to.have.length(18);
    });
  });
});
