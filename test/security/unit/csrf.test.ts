import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { Keyring } from '../../../src/security/keyring.js';
import { formTokenMatches, issueFormToken, loginFormToken, sameToken } from '../../../src/security/csrf.js';

const keyring = new Keyring('csrf-test-secret-0123456789-abcdefghij');

/** A login-form token issued by an earlier version, with the secret it was signed under. */
const KNOWN = JSON.parse(readFileSync(new URL('../fixtures/keyring-v1.json', import.meta.url), 'utf8')) as { secret: string; loginFormToken: string };

describe('login form CSRF token (src/security/csrf.ts)', () => {
  describe('issueFormToken and formTokenMatches', () => {
    it('accepts the issued token in both the cookie and the field', () => {
      const token = issueFormToken(keyring);
      expect(formTokenMatches(keyring, token, token)).to.equal(true);
    });

    it('issues a different token each time', () => {
      expect(issueFormToken(keyring)).not.to.equal(issueFormToken(keyring));
    });

    it('refuses a field that differs from the cookie', () => {
      const token = issueFormToken(keyring);
      const other = issueFormToken(keyring);
      expect(formTokenMatches(keyring, token, other)).to.equal(false);
      expect(formTokenMatches(keyring, token, token.slice(0, -1))).to.equal(false);
      expect(formTokenMatches(keyring, token, `${token}x`)).to.equal(false);
      expect(formTokenMatches(keyring, token, '')).to.equal(false);
    });

    it('refuses an equal pair that factorgate did not sign', () => {
      // An attacker who can plant a cookie must not be able to pick the value.
      expect(formTokenMatches(keyring, 'chosen-by-attacker', 'chosen-by-attacker')).to.equal(false);
      expect(formTokenMatches(keyring, 'chosen.value', 'chosen.value')).to.equal(false);
    });

    it('refuses an equal pair signed by another keyring', () => {
      const foreign = issueFormToken(new Keyring('another-csrf-secret-0123456789-abcdef'));
      expect(formTokenMatches(keyring, foreign, foreign)).to.equal(false);
    });

    it('refuses an equal pair signed for another purpose', () => {
      const handle = keyring.sign('login-handle', 'some-value');
      expect(formTokenMatches(keyring, handle, handle)).to.equal(false);
    });

    it('accepts a token an earlier version issued, so a login page served before an upgrade still posts', () => {
      // With several instances upgraded one by one, an old one may issue what a new one checks.
      expect(formTokenMatches(new Keyring(KNOWN.secret), KNOWN.loginFormToken, KNOWN.loginFormToken)).to.equal(true);
    });

    it('refuses values that are not strings', () => {
      const token = issueFormToken(keyring);
      for (const bad of [undefined, null, 1, [token], { token }, true]) {
        expect(formTokenMatches(keyring, token, bad), `field ${JSON.stringify(bad)}`).to.equal(false);
        expect(formTokenMatches(keyring, bad, token), `cookie ${JSON.stringify(bad)}`).to.equal(false);
      }
    });
  });

  describe('loginFormToken: the token a login page hands out', () => {
    const LIFE = 60_000;
    const NOW = 1_800_000_000_000;

    it('hands this browser\'s own genuine token out again while it has more than half its life ahead', () => {
      const held = issueFormToken(keyring, NOW - LIFE / 2 + 1);
      expect(loginFormToken(keyring, held, NOW, LIFE)).to.deep.equal({ token: held, reused: true });
    });

    it('hands out a token issued in this very millisecond again (a second page opened at once)', () => {
      const held = issueFormToken(keyring, NOW);
      expect(loginFormToken(keyring, held, NOW, LIFE)).to.deep.equal({ token: held, reused: true });
    });

    it('reads the issue time only at the end of the signed value, so no other "~" in it passes for one', () => {
      const trailing = keyring.sign('login-form-csrf', `abc~${NOW.toString(36)}~not-a-time`);
      const { reused } = loginFormToken(keyring, trailing, NOW, LIFE);
      expect(reused).to.equal(false);
    });

    it('issues a new one, which still matches, once the held token is half its life old', () => {
      const held = issueFormToken(keyring, NOW - LIFE / 2);
      const { token, reused } = loginFormToken(keyring, held, NOW, LIFE);
      expect(reused).to.equal(false);
      expect(token).not.to.equal(held);
      expect(formTokenMatches(keyring, token, token)).to.equal(true);
    });

    it('never hands out a token it did not issue: forged, another keyring\'s, another purpose\'s, dated ahead, or from before issue times', () => {
      const foreign = issueFormToken(new Keyring('another-csrf-secret-0123456789-abcdef'), NOW);
      const otherPurpose = keyring.sign('manageotp-form-csrf', `abc~${NOW.toString(36)}`);
      const ahead = issueFormToken(keyring, NOW + 1000);
      const unsignedTime = `abc~${NOW.toString(36)}.forged`;
      const undated = keyring.sign('login-form-csrf', 'abcdefghijklmnopqrstuvwx');
      for (const held of [foreign, otherPurpose, ahead, unsignedTime, undated, 'chosen-by-attacker', undefined, ['x'], 42]) {
        const { token, reused } = loginFormToken(keyring, held, NOW, LIFE);
        expect(reused, String(held)).to.equal(false);
        expect(token).not.to.equal(held);
      }
    });
  });

  describe('sameToken', () => {
    it('accepts an identical string', () => {
      expect(sameToken('abc123', 'abc123')).to.equal(true);
    });

    it('refuses a different string, a prefix, a longer string and the empty string', () => {
      expect(sameToken('abc123', 'abc124')).to.equal(false);
      expect(sameToken('abc123', 'abc12')).to.equal(false);
      expect(sameToken('abc123', 'abc1234')).to.equal(false);
      expect(sameToken('abc123', '')).to.equal(false);
      expect(sameToken('abc123', 'ABC123')).to.equal(false);
    });

    it('refuses values that are not strings without throwing', () => {
      for (const bad of [undefined, null, 123, ['abc123'], { toString: () => 'abc123' }]) {
        expect(sameToken('abc123', bad), JSON.stringify(bad)).to.equal(false);
      }
    });

    it('compares by bytes, so different characters of equal UTF-16 length do not match', () => {
      expect(sameToken('é', 'e')).to.equal(false);
      expect(sameToken('ab', 'é')).to.equal(false);
    });
  });
});
