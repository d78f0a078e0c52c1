import { expect } from 'chai';
import { classify, isUnder, normalizePath, routeTable } from '../../src/proxy/guard.js';

describe('request path guard (src/proxy/guard.ts)', () => {
  const table = routeTable({ guardedPaths: ['/cgi/login'], loginTarget: '/cgi/login', loginPage: '/vpn/index.html' });

  describe('classify: every spelling of the login target is guarded', () => {
    const spellings = [
      '/cgi/login',
      '/CGI/LOGIN',
      '/Cgi/LogIn',
      '/cgi/login/',
      '//cgi//login',
      '/cgi/./login',
      '/./cgi/login',
      '/x/../cgi/login',
      '/x/y/../../cgi/login',
      '/../../cgi/login',
      '/%2e%2e/cgi/login',
      '/cgi/%2e/login',
      '/cgi/login;jsessionid=1',
      '/cgi;x/login',
      '/cgi/login;',
      '/cgi%2flogin',
      '/cgi%2Flogin',
      '/%63gi/login',
      '/cgi/%6c%6fgin',
      '/%43%47%49/%4C%4F%47%49%4E',
      '/cgi%252flogin',
      '/cgi%25252flogin',
      '\\cgi\\login',
      '/cgi\\login',
      '/cgi%5clogin',
      '/cgi/login?x=1',
      '/cgi/login?',
      '/cgi/login#x',
      'http://host/cgi/login',
      'HTTPS://host:8443/cgi/login?x=1',
      'http://host/cgi%2flogin',
      '/cgi/login/extra',
      '/cgi/login/%2e%2e/login',
      '/cgi/login%20',
    ];
    for (const target of spellings) {
      it(`classifies ${JSON.stringify(target)} as guarded`, () => {
        expect(classify(target, table)).to.equal('guarded');
      });
    }
  });

  describe('classify: an encoded query or fragment mark is no way around the guard', () => {
    // The guard reads %2f and %3b as a lenient gateway would; %3f and %23 are the same trick.
    it('does not pass the login target followed by an encoded ? or # to the gateway', () => {
      for (const target of ['/cgi/login%3fx=1', '/cgi/login%3F', '/cgi/login%23x', '/cgi/login%253fx=1']) {
        expect(classify(target, table), target).to.be.oneOf(['guarded', 'bad_target']);
      }
    });
  });

  describe('classify: unreadable targets', () => {
    const unreadable = [
      '/%zz',
      '/%',
      '/cgi/%zzlogin',
      '/cgi/login%',
      '/cgi/login%2',
      '/cgi/%c0%aflogin', // overlong UTF-8
      '/cgi/login%00',
      '/cgi/login\u0000',
      '/cgi/lo\tgin',
      '/cgi/login%0d%0a',
      '/cgi/login\u007f',
      '/cgi/login%7f',
      '/cgi%2525252flogin', // still encoded after every decoding round
    ];
    for (const target of unreadable) {
      it(`classifies ${JSON.stringify(target)} as bad_target`, () => {
        expect(classify(target, table)).to.equal('bad_target');
      });
    }
  });

  describe('classify: everything else', () => {
    const cases: Array<[string, string]> = [
      ['/mfa/login', 'own'],
      ['/MFA/x', 'own'],
      ['/mfa', 'own'],
      ['/mfa/static/factorgate.js?v=1', 'own'],
      ['/healthz', 'own'],
      ['/vpn/index.html', 'login_page'],
      ['/VPN//index.html', 'login_page'],
      ['/vpn/index.html?lang=de', 'login_page'],
      ['/cgi/loginx', 'pass'],
      ['/cgi/log', 'pass'],
      ['/cgi', 'pass'],
      ['/mfax/login', 'pass'],
      ['/healthz2', 'pass'],
      ['/vpn/portal.html', 'pass'],
      ['/vpn/index.htm', 'pass'],
      ['/', 'pass'],
      ['', 'pass'],
    ];
    for (const [target, route] of cases) {
      it(`classifies ${JSON.stringify(target)} as ${route}`, () => {
        expect(classify(target, table)).to.equal(route);
      });
    }

    it('guards the login target before treating a path as factorgate\'s own', () => {
      expect(classify('/mfa/../cgi/login', table)).to.equal('guarded');
    });
  });

  describe('routeTable', () => {
    it('always guards the login target, even when guardedPaths leaves it out', () => {
      const t = routeTable({ guardedPaths: [], loginTarget: '/Logon/Submit', loginPage: '/vpn/index.html' });
      expect(classify('/logon/submit', t)).to.equal('guarded');
      expect(classify('/cgi/login', t)).to.equal('pass');
    });

    it('guards every extra path and what lies below it', () => {
      const t = routeTable({ guardedPaths: ['/cgi/login', '/admin/'], loginTarget: '/cgi/login', loginPage: '/vpn/index.html' });
      expect(classify('/ADMIN', t)).to.equal('guarded');
      expect(classify('/admin/users', t)).to.equal('guarded');
      expect(classify('/administrator', t)).to.equal('pass');
    });

    it('compares the login page in normalised form', () => {
      const t = routeTable({ guardedPaths: [], loginTarget: '/cgi/login', loginPage: '/Logon//LogonPoint/Index.html' });
      expect(classify('/logon/logonpoint/index.html', t)).to.equal('login_page');
    });
  });

  describe('normalizePath', () => {
    const cases: Array<[string, string | undefined]> = [
      ['/A//B/./c/../D/', '/a/b/d'],
      ['/a;p=1/b;q', '/a/b'],
      ['/%41%2fB', '/a/b'],
      ['\\a\\b', '/a/b'],
      ['/a?b/c', '/a'],
      ['/a#b/c', '/a'],
      ['http://h:1/X/y?z', '/x/y'],
      ['/../..', '/'],
      ['/%zz', undefined],
      ['/a\u0001', undefined],
    ];
    for (const [input, expected] of cases) {
      it(`reads ${JSON.stringify(input)} as ${JSON.stringify(expected)}`, () => {
        expect(normalizePath(input)).to.equal(expected);
      });
    }
  });

  describe('isUnder', () => {
    it('matches a prefix and what lies below it, not a longer name', () => {
      expect(isUnder('/cgi/login', ['/cgi/login'])).to.equal(true);
      expect(isUnder('/cgi/login/x', ['/cgi/login'])).to.equal(true);
      expect(isUnder('/cgi/loginx', ['/cgi/login'])).to.equal(false);
      expect(isUnder('/cgi', ['/cgi/login'])).to.equal(false);
    });
  });
});
