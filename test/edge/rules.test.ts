import { expect } from 'chai';
import fc from 'fast-check';
import { edgeRules, type EdgePattern, type EdgeRules } from '../../src/edge/rules.js';
import { classify, routeTable } from '../../src/proxy/guard.js';
import { readsAsLogin } from '../../src/demo/simulators/gateway/lenient_paths.js';
import { testConfig } from '../helpers/config.js';
import { targets, underOwnCookiePath } from '../helpers/path_targets.js';

// The edge's rules as nginx and HAProxy apply them, here with JavaScript's regular expressions (the
// patterns are written in what PCRE and JavaScript read alike), against factorgate's own guard:
// whatever the edge sends straight to the gateway, factorgate would have passed too, and no
// reading of it is the gateway's login. The real proxies run the same rules in
// test/security/bypass.*.test.ts and test/edge/edge_proxy.test.ts.

const SEED = Number(process.env.FG_PATHS_SEED ?? 20261206);

type EdgeDecision = 'ambiguous' | 'guarded' | 'factorgate' | 'gateway';

const ABSOLUTE = /^https?:\/\/[^/?#]*/i;

/** What nginx or HAProxy running these rules does with a target. */
function edgeDecision(target: string, rules: EdgeRules): { decision: EdgeDecision; forwarded: string } {
  const origin = ABSOLUTE.test(target) ? target.replace(ABSOLUTE, '') || '/' : target;
  const path = origin.split('?', 1)[0]!;
  // Both proxies decode escapes to bytes; one char per byte here.
  const decoded = path.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const subject = { target: Buffer.from(target, 'utf8').toString('latin1'), path: Buffer.from(path, 'utf8').toString('latin1'), decoded: Buffer.from(decoded, 'latin1').toString('latin1') };
  const matches = (p: EdgePattern) => new RegExp(p.pattern, p.caseless ? 'i' : '').test(subject[p.on]);
  const decision: EdgeDecision = rules.ambiguous.some(matches) ? 'ambiguous'
    : rules.guarded.some(matches) ? 'guarded'
      : rules.toFactorgate.some(matches) ? 'factorgate' : 'gateway';
  return { decision, forwarded: origin };
}

describe('edge rules against factorgate\'s guard (20,000 generated targets, no server)', function () {
  this.timeout(120_000);
  const config = testConfig('http://gateway.test');
  const rules = edgeRules(config);
  const table = routeTable({ ...config.gateway, ownPaths: ['/manageotp'] });

  it('what the edge sends straight to the gateway, factorgate passes too, and the lenient gateway does not read as its login', () => {
    let straight = 0;
    fc.assert(fc.property(targets, (target) => {
      const { decision, forwarded } = edgeDecision(target, rules);
      if (decision !== 'gateway') return;
      straight += 1;
      expect(classify(target, table).route, target).to.equal('pass');
      expect(readsAsLogin(forwarded), target).to.equal(false);
      expect(underOwnCookiePath(forwarded), target).to.equal(false);
    }), { numRuns: 20_000, seed: SEED });
    // The near misses at least go straight: the edge does not send everything to factorgate.
    expect(straight).to.be.greaterThan(2000);
  });

  it('what factorgate refuses or serves itself, the edge refuses or sends to factorgate', () => {
    fc.assert(fc.property(targets, (target) => {
      const route = classify(target, table).route;
      if (route === 'pass') return;
      expect(edgeDecision(target, rules).decision, `${target} (${route})`).not.to.equal('gateway');
    }), { numRuns: 20_000, seed: SEED });
  });

  it('the edge refuses as ambiguous only what factorgate refuses as ambiguous', () => {
    fc.assert(fc.property(targets, (target) => {
      if (edgeDecision(target, rules).decision !== 'ambiguous') return;
      expect(classify(target, table).route, target).to.equal('ambiguous');
    }), { numRuns: 20_000, seed: SEED });
  });
});

describe('edge rules', () => {
  const decide = (target: string, overrides: Record<string, unknown> = {}) => edgeDecision(target, edgeRules(testConfig('http://gateway.test', overrides))).decision;

  it('guard every configured guarded path and the login target, in any case, with ;params and trailing dots', () => {
    const overrides = { gateway: { loginTarget: '/p/signin', guardedPaths: ['/logon/auth'] } };
    for (const target of ['/p/signin', '/P/SignIn;x', '/logon/auth', '/logon//Auth./x', '/%6cogon/auth']) expect(decide(target, overrides), target).to.equal('guarded');
    for (const target of ['/cgi/login', '/p/signinx', '/logon/authx']) expect(decide(target, overrides), target).to.equal('gateway');
  });

  it('send the configured login page, /mfa, /manageotp and the health endpoints to factorgate', () => {
    const overrides = { gateway: { loginPage: '/logon/LogonPoint/index.html' } };
    for (const target of ['/logon/LogonPoint/index.html', '/LOGON/logonpoint/index.html;x', '/mfa/login', '/MFA', '/manageotp/devices', '/healthz', '/readyz?x', '/metrics', '/x/%C3%A9']) {
      expect(decide(target, overrides), target).to.equal('factorgate');
    }
    for (const target of ['/vpn/index.html', '/logon/LogonPoint/index.htmlx', '/mfax', '/healthz/x']) expect(decide(target, overrides), target).to.equal('gateway');
  });

  it('send /admin to factorgate when it serves it on the main listener, and to the gateway when it has a port of its own or is off', () => {
    const on = { otp: { enabled: true }, admin: { web: { enabled: true }, users: ['ann'] } };
    for (const target of ['/admin', '/admin/users/ann', '/ADMIN/logins']) expect(decide(target, on), target).to.equal('factorgate');
    expect(decide('/adminx', on)).to.equal('gateway');
    expect(decide('/admin/users/ann', { otp: { enabled: true }, admin: { web: { enabled: true, port: 9465 }, users: ['ann'] } })).to.equal('gateway');
    expect(decide('/admin/users/ann', { otp: { enabled: true } })).to.equal('gateway');
  });

  it('send what a browser sends the login page\'s cookies with (the path and below, as spelled) to factorgate, which keeps them from the gateway', () => {
    const overrides = { gateway: { loginPage: '/logon/LogonPoint/index.html' } };
    for (const target of ['/logon/LogonPoint/index.html/', '/logon/LogonPoint/index.html/x/y?z']) expect(decide(target, overrides), target).to.equal('factorgate');
    for (const target of ['/logon/LogonPoint/index.htmlx', '/logon/LogonPoint/other.html']) expect(decide(target, overrides), target).to.equal('gateway');
  });
});
