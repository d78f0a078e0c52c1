import { expect } from 'chai';
import { classify, isUnder, routeTable, type Decision } from '../../src/proxy/guard.js';
import { readTarget } from '../../src/proxy/request_target.js';

describe('request path guard (src/proxy/guard.ts, src/proxy/request_target.ts)', () => {
  const table = routeTable({ guardedPaths: ['/cgi/login'], loginTarget: '/cgi/login', loginPage: '/vpn/index.html' });
  const route = (target: string, t = table) => classify(target, t).route;

  describe('classify: every spelling of the login target that reads the same everywhere is guarded', () => {
    const spellings = [
      '/cgi/login',
      '/CGI/LOGIN',
      '/Cgi/LogIn',
      '/cgi/login/',
      '/cgi//login',
      '/cgi/login;jsessionid=1',
      '/cgi;x/login',
      '/cgi/login;',
      '/cgi/login;/x',
      '/%63gi/login',
      '/cgi/%6c%6fgin',
      '/%43%47%49/%4C%4F%47%49%4E',
      '/cgi/login?x=1',
      '/cgi/login?',
      '/cgi/login?a=%2f..%2f',
      'http://host/cgi/login',
      'HTTPS://host:8443/cgi/login?x=1',
      'http://[::1]:8080/cgi/login',
      '/cgi/login/extra',
      '/cgi/login%20',
      '/cgi/login.',
      '/cgi/login.%20.',
      '/cgi/%20login', // a space before the name, which servers that trim names drop too
      '/%20cgi/login%20',
      '/cg%c4%b1/log%c4%b1n', // dotless i: upper-cased, it is I
      '/cg%c4%b0/login', // dotted capital I: lower-cased, i and a mark
      '/c%ef%bd%87i/login', // full-width g: NFKC makes it g
      '/cgi/log%cd%85in', // a combining mark (ypogegrammeni), lower-cased and dropped: a server that ignores marks reads login
    ];
    for (const target of spellings) {
      it(`classifies ${JSON.stringify(target)} as guarded`, () => {
        expect(route(target)).to.equal('guarded');
      });
    }
    it('guards a configured ß against the capital ẞ, whose lower case it is (and against ss, its upper case\'s)', () => {
      const t = routeTable({ guardedPaths: ['/stra%c3%9fe'], loginTarget: '/cgi/login', loginPage: '/vpn/index.html' });
      for (const target of ['/stra%e1%ba%9ee', '/STRA%E1%BA%9EE', '/strasse', '/STRASSE']) expect(route(target, t), target).to.equal('guarded');
    });

    it('reads the Kelvin sign as k', () => {
      const read = readTarget('/%e2%84%aa');
      expect(read.ok && read.form === 'origin' && read.readings).to.include('/k');
    });
  });

  describe('classify: a target whose readings could differ is refused as ambiguous, with the reason', () => {
    const cases: Array<[string, string]> = [
      ['/x%3f/../cgi/login', 'escaped_character'],
      ['/x%23/../cgi/login', 'escaped_character'],
      ['/x%253f/../cgi/login', 'escaped_character'],
      ['/static%3fa/../../cgi/login', 'escaped_character'],
      ['/cgi/login;%5c..', 'escaped_character'],
      ['/cgi/login;%255c..', 'escaped_character'],
      ['/cgi%2flogin', 'escaped_character'],
      ['/cgi%2Flogin', 'escaped_character'],
      ['/cgi%252flogin', 'escaped_character'],
      ['/cgi%25252flogin', 'escaped_character'],
      ['/cgi%5clogin', 'escaped_character'],
      ['/cgi%3blogin', 'escaped_character'],
      ['/%2e%2e/cgi/login', 'escaped_character'],
      ['/cgi/login%2e', 'escaped_character'],
      ['/cgi/login%00', 'escaped_character'],
      ['/cgi/login%0d%0a', 'escaped_character'],
      ['/cgi/login%7f', 'escaped_character'],
      ['http://host/cgi%2flogin', 'escaped_character'],
      ['/cgi/./login', 'dot_segment'],
      ['/./cgi/login', 'dot_segment'],
      ['/x/../cgi/login', 'dot_segment'],
      ['/x/y/../../cgi/login', 'dot_segment'],
      ['/../../cgi/login', 'dot_segment'],
      ['/mfa/../cgi/login', 'dot_segment'],
      ['/x/..;/cgi/login', 'dot_segment'],
      ['/x/..;a=b/cgi/login', 'dot_segment'],
      ['/x/.;/y', 'dot_segment'],
      ['/x/...', 'dot_segment'],
      ['/x/%20../y', 'dot_segment'],
      ['/x/..', 'dot_segment'],
      ['//cgi//login', 'network_path'],
      ['//evil/cgi/login', 'network_path'],
      ['\\cgi\\login', 'not_origin_form'],
      ['/cgi\\login', 'backslash'],
      ['/cgi/login#x', 'fragment'],
      ['/%zz', 'bad_escape'],
      ['/%', 'bad_escape'],
      ['/cgi/%zzlogin', 'bad_escape'],
      ['/cgi/login%2', 'bad_escape'],
      ['/cgi/%c0%aflogin', 'invalid_utf8'], // overlong "/"
      ['/cgi/%e0%80%aflogin', 'invalid_utf8'], // overlong "/", three bytes
      ['/cgi/%ed%a0%80login', 'invalid_utf8'], // a UTF-16 surrogate
      ['/cgi/%fflogin', 'invalid_utf8'],
      ['/cgi%ef%bc%8flogin', 'compatibility_character'], // full-width solidus
      ['/x/%ef%bc%8e%ef%bc%8e/cgi/login', 'compatibility_character'], // full-width full stop
      ['/x%ef%bc%bccgi', 'compatibility_character'], // full-width reverse solidus
      ['/x/%e2%80%a5/cgi/login', 'compatibility_character'], // two-dot leader: ".."
      ['/a%e2%84%80', 'compatibility_character'], // account of: "a/c"
      ['/a%ef%b9%96', 'compatibility_character'], // small question mark
      ['/cgi/login\u0000', 'control_character'],
      ['/cgi/lo\tgin', 'control_character'],
      ['/cgi/login\u007f', 'control_character'],
      ['/caf\u00e9', 'non_ascii'], // a byte above 0x7F, as Node hands it over
      ['', 'not_origin_form'],
      ['cgi/login', 'not_origin_form'],
      ['ftp://host/cgi/login', 'not_origin_form'],
      ['http:/cgi/login', 'not_origin_form'],
      ['http://user@host/cgi/login', 'unreadable_absolute_form'],
      ['http://host%2f/cgi/login', 'unreadable_absolute_form'],
      ['http://host:99999/cgi/login', 'unreadable_absolute_form'], // only the URL parser sees the port is out of range
      ['http://[1::2::3]/cgi/login', 'unreadable_absolute_form'], // only the URL parser sees the address is malformed
    ];
    for (const [target, reason] of cases) {
      it(`refuses ${JSON.stringify(target)}: ${reason}`, () => {
        expect(classify(target, table)).to.deep.equal({ route: 'ambiguous', reason });
      });
    }
  });

  describe('classify: everything else', () => {
    const cases: Array<[string, Decision]> = [
      ['/mfa/login', { route: 'own', target: '/mfa/login' }],
      ['/MFA/x', { route: 'own', target: '/MFA/x' }],
      ['/mfa', { route: 'own', target: '/mfa' }],
      ['/mfa;x/login', { route: 'own', target: '/mfa;x/login' }],
      ['/mfa/static/factorgate.js?v=1', { route: 'own', target: '/mfa/static/factorgate.js?v=1' }],
      ['/manageotp', { route: 'own', target: '/manageotp' }],
      ['/manageotp/devices', { route: 'own', target: '/manageotp/devices' }],
      ['/healthz', { route: 'own', target: '/healthz' }],
      ['http://host/mfa/login?x=1', { route: 'own', target: '/mfa/login?x=1' }],
      ['/vpn/index.html', { route: 'login_page', target: '/vpn/index.html' }],
      ['/VPN//index.html', { route: 'login_page', target: '/VPN//index.html' }],
      ['/vpn/index.html?lang=de', { route: 'login_page', target: '/vpn/index.html?lang=de' }],
      ['/cgi/loginx', { route: 'pass', target: '/cgi/loginx' }],
      ['/cgi/log', { route: 'pass', target: '/cgi/log' }],
      ['/cgi', { route: 'pass', target: '/cgi' }],
      ['/mfax/login', { route: 'pass', target: '/mfax/login' }],
      ['/manageotpx', { route: 'pass', target: '/manageotpx' }],
      ['/healthz2', { route: 'pass', target: '/healthz2' }],
      ['/vpn/portal.html', { route: 'pass', target: '/vpn/portal.html' }],
      ['/vpn/index.htm', { route: 'pass', target: '/vpn/index.htm' }],
      ['/', { route: 'pass', target: '/' }],
      ['/cvpn/http/host/a.html;jsessionid=1?x=%2F', { route: 'pass', target: '/cvpn/http/host/a.html;jsessionid=1?x=%2F' }],
      ['/files/%C3%A9t%C3%A9%20x.pdf', { route: 'pass', target: '/files/%C3%A9t%C3%A9%20x.pdf' }],
      ['/echo?x=\\&y=%5c', { route: 'pass', target: '/echo?x=\\&y=%5c' }],
      ['/echo?next=/cgi/login&x=%c0%af#frag', { route: 'pass', target: '/echo?next=/cgi/login&x=%c0%af#frag' }],
      ['http://host:8080/X/y?z', { route: 'pass', target: '/X/y?z' }],
      ['http://host', { route: 'pass', target: '/' }],
      ['http://host?q=1', { route: 'pass', target: '/?q=1' }],
      ['*', { route: 'asterisk' }],
    ];
    for (const [target, decision] of cases) {
      it(`classifies ${JSON.stringify(target)} as ${decision.route}`, () => {
        expect(classify(target, table)).to.deep.equal(decision);
      });
    }

    it('names the guarded reading', () => {
      expect(classify('/CGI;x/Login', table)).to.deep.equal({ route: 'guarded', path: '/cgi/login' });
    });

    it('guards a path before treating it as factorgate\'s own', () => {
      const t = routeTable({ guardedPaths: ['/mfa/secret'], loginTarget: '/cgi/login', loginPage: '/vpn/index.html' });
      expect(route('/mfa/secret', t)).to.equal('guarded');
    });
  });

  describe('readTarget: the readings judged', () => {
    it('keeps ;params, strips them per segment and cuts at the first ;', () => {
      const read = readTarget('/A//B;p=1/c;q?x=1');
      expect(read.ok && read.form === 'origin' && [...read.readings].sort()).to.deep.equal(['/a/b', '/a/b/c', '/a/b;p=1/c;q']);
    });

    it('trims spaces and trailing dots as Windows does', () => {
      const read = readTarget('/a.%20/b');
      expect(read.ok && read.form === 'origin' && [...read.readings].sort()).to.deep.equal(['/a. /b', '/a/b']);
    });

    it('trims only the dots and spaces at the end of a name, not a dot inside it', () => {
      const read = readTarget('/vpn/index.html.%20');
      expect(read.ok && read.form === 'origin' && [...read.readings].sort()).to.deep.equal(['/vpn/index.html', '/vpn/index.html. ']);
      expect(route('/vpn/index.html.')).to.equal('login_page');
    });

    it('forwards the raw path and query of an absolute-form target', () => {
      expect(readTarget('http://h/a;b?c=%2F')).to.deep.equal({ ok: true, form: 'origin', target: '/a;b?c=%2F', path: '/a;b', readings: ['/a;b', '/a'] });
    });
  });

  describe('routeTable', () => {
    it('always guards the login target, even when guardedPaths leaves it out', () => {
      const t = routeTable({ guardedPaths: [], loginTarget: '/Logon/Submit', loginPage: '/vpn/index.html' });
      expect(route('/logon/submit', t)).to.equal('guarded');
      expect(route('/cgi/login', t)).to.equal('pass');
    });

    it('guards every extra path and what lies below it', () => {
      const t = routeTable({ guardedPaths: ['/cgi/login', '/admin/'], loginTarget: '/cgi/login', loginPage: '/vpn/index.html' });
      expect(route('/ADMIN', t)).to.equal('guarded');
      expect(route('/admin/users', t)).to.equal('guarded');
      expect(route('/administrator', t)).to.equal('pass');
    });

    it('guards nFactor\'s endpoints below /nf/auth as the default configuration lists it', () => {
      const t = routeTable({ guardedPaths: ['/cgi/login', '/nf/auth'], loginTarget: '/cgi/login', loginPage: '/vpn/index.html' });
      for (const target of ['/nf/auth/doAuthentication.do', '/NF/Auth/getAuthenticationRequirements.do', '/nf/auth;x/StartAuthentication.do', '/nf/auth']) {
        expect(route(target, t), target).to.equal('guarded');
      }
      expect(route('/nf/authx', t)).to.equal('pass');
    });

    it('compares the login page in read form', () => {
      const t = routeTable({ guardedPaths: [], loginTarget: '/cgi/login', loginPage: '/Logon//LogonPoint/Index.html' });
      expect(route('/logon/logonpoint/index.html', t)).to.equal('login_page');
    });

    it('treats /manageotp as factorgate\'s own even when the portal is off: its cookies may still be in browsers', () => {
      expect(route('/manageotp/devices', table)).to.equal('own');
    });

    it('refuses a configured path that is not plain', () => {
      expect(() => routeTable({ guardedPaths: ['/a/../cgi'], loginTarget: '/cgi/login', loginPage: '/vpn/index.html' })).to.throw(/not a plain path/);
      expect(() => routeTable({ guardedPaths: ['*'], loginTarget: '/cgi/login', loginPage: '/vpn/index.html' })).to.throw('not a plain path: *');
    });
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
