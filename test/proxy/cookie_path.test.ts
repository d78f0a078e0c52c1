import { expect } from 'chai';
import { cookiePathMatches } from '../../src/proxy/guard.js';

// Which raw paths a browser sends a cookie of a given Path with (RFC 6265 5.1.4): the guard never
// passes such a path to the gateway, so factorgate's cookies (Path=/mfa, /manageotp) stay its own.

describe('cookiePathMatches (RFC 6265 path-match)', () => {
  const cases: Array<[cookiePath: string, rawPath: string, sent: boolean]> = [
    ['/mfa', '/mfa', true],
    ['/mfa', '/mfa/', true],
    ['/mfa', '/mfa/passcode', true],
    ['/mfa', '/mfax', false],
    ['/mfa', '/mfa.css', false],
    ['/mfa', '/MFA/passcode', false], // case-sensitive, as browsers match
    ['/mfa', '/', false],
    ['/mfa', '/x/mfa', false],
    ['/mfa/', '/mfa/x', true],
    ['/mfa/', '/mfa/', true],
    ['/mfa/', '/mfa', false],
    ['/manageotp', '/manageotp/devices', true],
    ['/manageotp', '/manageotpx', false],
  ];
  for (const [cookiePath, rawPath, sent] of cases) {
    it(`a cookie of Path=${cookiePath} is ${sent ? '' : 'not '}sent with ${rawPath}`, () => {
      expect(cookiePathMatches(cookiePath, rawPath)).to.equal(sent);
    });
  }
});
