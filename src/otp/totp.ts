import { HOTP, Secret, TOTP } from 'otpauth';

// factorgate's own TOTP (RFC 6238) through otpauth (hectorm/otpauth): the HMAC truncation, the
// base32 codec, the constant-time comparison and the otpauth:// URI are the library's. What is
// decided here: the window (exactly one step either side), refusing every step at or before the
// last accepted one (RFC 6238 §5.2, ASVS 2.8.4), the code's shape, and the secret's size.

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export type TotpSettings = {
  /** Shown by authenticator apps above the account; also the label's prefix. */
  issuer: string;
  algorithm: TotpAlgorithm;
  /** 6 to 8 (RFC 4226 §5.3). */
  digits: number;
  /** Seconds per step (RFC 6238 X). */
  period: number;
  /** Random bytes in a new secret: at least 20, 160 bits (RFC 4226 §4 R6, ASVS 2.9.2). */
  secretBytes: number;
};

export const totpDefaults: TotpSettings = { issuer: 'factorgate', algorithm: 'SHA1', digits: 6, period: 30, secretBytes: 20 };

export type TotpVerdict = { ok: true; step: number } | { ok: false; reason: 'wrong' | 'reused' };

/** RFC 4226 §4 R6 requires 128 bits and recommends 160: the recommendation is the floor here. */
export const MIN_SECRET_BYTES = 20;
/** RFC 6238 §5.2 recommends at most one step of network delay / clock drift. */
export const WINDOW = 1;

export class Totp {
  readonly settings: TotpSettings;

  constructor(settings: Partial<TotpSettings> = {}) {
    const s = { ...totpDefaults, ...settings };
    if (!Number.isInteger(s.digits) || s.digits < 6 || s.digits > 8) throw new RangeError('totp.digits must be 6, 7 or 8');
    if (!Number.isInteger(s.period) || s.period < 15 || s.period > 300) throw new RangeError('totp.period must be 15 to 300 seconds');
    if (!Number.isInteger(s.secretBytes) || s.secretBytes < MIN_SECRET_BYTES || s.secretBytes > 64) throw new RangeError(`totp.secretBytes must be ${MIN_SECRET_BYTES} to 64`);
    if (!['SHA1', 'SHA256', 'SHA512'].includes(s.algorithm)) throw new RangeError('totp.algorithm must be SHA1, SHA256 or SHA512');
    if (s.issuer === '' || s.issuer.includes(':')) throw new RangeError('totp.issuer must be non-empty and hold no colon');
    this.settings = Object.freeze(s);
  }

  /** A new secret from the system CSPRNG (crypto.getRandomValues), in base32 without padding. */
  generateSecret(): string {
    return new Secret({ size: this.settings.secretBytes }).base32;
  }

  /** The Key URI Format an authenticator app scans: otpauth://totp/factorgate:alice?secret=...&issuer=factorgate&... */
  uri(secret: string, user: string): string {
    return this.totp(secret, user).toString();
  }

  /** The step (RFC 6238 T) that `now` (epoch ms) falls in. */
  stepAt(now: number): number {
    return TOTP.counter({ period: this.settings.period, timestamp: now });
  }

  /** The code an authenticator shows at `now` (epoch ms). For tests and the enrolment check only. */
  codeAt(secret: string, now: number): string {
    return this.totp(secret).generate({ timestamp: now });
  }

  /**
   * Checks a typed code at `now` (epoch ms). Accepted only for a step within one of now's and
   * after `lastAcceptedStep`: a code for a step already used, or earlier, is `reused` (RFC 6238
   * §5.2: the verifier MUST NOT accept the second attempt of an OTP). The caller records the step
   * atomically (DeviceStore.recordUse) before treating the code as good.
   */
  verify(secret: string, code: unknown, now: number, lastAcceptedStep?: number): TotpVerdict {
    if (typeof code !== 'string' || !/^[0-9]{6,8}$/.test(code) || code.length !== this.settings.digits) return { ok: false, reason: 'wrong' };
    const key = this.secret(secret);
    const current = this.stepAt(now);
    let reused = false;
    // Every step of the window is compared, whatever matched first, so the time taken does not
    // say which step (if any) matched.
    let accepted: number | undefined;
    for (let step = current - WINDOW; step <= current + WINDOW; step += 1) {
      const matches = HOTP.validate({ token: code, secret: key, algorithm: this.settings.algorithm, digits: this.settings.digits, counter: step, window: 0 }) === 0;
      if (!matches) continue;
      if (lastAcceptedStep !== undefined && step <= lastAcceptedStep) reused = true;
      else accepted ??= step;
    }
    if (accepted !== undefined) return { ok: true, step: accepted };
    return { ok: false, reason: reused ? 'reused' : 'wrong' };
  }

  private totp(secret: string, label = 'check'): TOTP {
    const { issuer, algorithm, digits, period } = this.settings;
    return new TOTP({ issuer, label, issuerInLabel: true, secret: this.secret(secret), algorithm, digits, period });
  }

  private secret(base32: string): Secret {
    const key = Secret.fromBase32(base32);
    // A shorter secret can only come from a corrupted or hand-made record: refuse it loudly.
    if (key.bytes.length < MIN_SECRET_BYTES) throw new RangeError(`a TOTP secret must hold at least ${MIN_SECRET_BYTES * 8} bits`);
    return key;
  }
}
