import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

// Signing and encryption keys derived from FACTORGATE_SECRET. The current secret signs and seals;
// previous secrets still verify and open until what they protected expires (key rotation).

const NONCE_BYTES = 12;
// Node's base64url decoder skips characters it does not know; check the alphabet first so that
// only the one canonical spelling of a token is accepted.
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const TAG_BYTES = 16;

type DerivedKeys = { sign: Buffer; seal: Buffer };

function derive(secret: string): DerivedKeys {
  const ikm = Buffer.from(secret, 'utf8');
  const key = (info: string) => Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), `factorgate ${info} v1`, 32));
  return { sign: key('sign'), seal: key('seal') };
}

export class Keyring {
  private readonly keys: DerivedKeys[];

  constructor(current: string, previous: readonly string[] = []) {
    this.keys = [current, ...previous].map(derive);
  }

  /** `value.signature`, where the signature covers a purpose so one token cannot stand for another. */
  sign(purpose: string, value: string): string {
    return `${value}.${this.mac(this.keys[0]!, purpose, value)}`;
  }

  /** The signed value, or undefined when the token is malformed or signed by no known key. */
  verify(purpose: string, token: string): string | undefined {
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const value = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1));
    for (const keys of this.keys) {
      const expected = Buffer.from(this.mac(keys, purpose, value));
      if (given.length === expected.length && timingSafeEqual(given, expected)) return value;
    }
    return undefined;
  }

  /** A keyed digest of a value kept only to be compared with later (a one-time code stored hashed). */
  digest(purpose: string, value: string): string {
    return this.mac(this.keys[0]!, purpose, value);
  }

  /** Whether `value` has this digest under any known key, compared in constant time. */
  matchesDigest(purpose: string, value: string, digest: string): boolean {
    const given = Buffer.from(digest);
    return this.keys.some((keys) => {
      const expected = Buffer.from(this.mac(keys, purpose, value));
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  }

  /** AES-256-GCM; `context` is bound as associated data, so a sealed value cannot be moved to another record. */
  seal(plaintext: string, context: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0]!.seal, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url');
  }

  open(sealed: string, context: string): string | undefined {
    if (!BASE64URL.test(sealed)) return undefined;
    const raw = Buffer.from(sealed, 'base64url');
    if (raw.length < NONCE_BYTES + TAG_BYTES) return undefined;
    const nonce = raw.subarray(0, NONCE_BYTES);
    const tag = raw.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES);
    const body = raw.subarray(NONCE_BYTES + TAG_BYTES);
    for (const keys of this.keys) {
      try {
        // GCM would check a tag cut to as few as 4 bytes; only the full 16 are accepted.
        const decipher = createDecipheriv('aes-256-gcm', keys.seal, nonce, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        // wrong key or tampered: try the next key
      }
    }
    return undefined;
  }

  private mac(keys: DerivedKeys, purpose: string, value: string): string {
    return createHmac('sha256', keys.sign).update(purpose).update('\0').update(value).digest('base64url');
  }
}

/** 256 bits of randomness, URL- and cookie-safe. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
