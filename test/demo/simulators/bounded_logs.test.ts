import { expect } from 'chai';
import { KEPT_LOGIN_POSTS, LoginLog, type LoginPost } from '../../../src/demo/simulators/gateway/login_log.js';
import { CallLog, KEPT_CALLS, type AnakamCall } from '../../../src/demo/simulators/anakam/calls.js';

// The simulators' logs keep the newest entries, oldest first, however long a benchmark runs.

const post = (n: number, login = n % 2 === 0 ? 'alice' : 'bob'): LoginPost =>
  ({ at: `t${n}`, login, outcome: n % 3 === 0 ? 'rejected' : 'accepted', target: `/cgi/login?n=${n}`, headers: { 'x-n': String(n) } });
const call = (n: number): AnakamCall => ({ at: `t${n}`, call: 'auth', user: 'alice', authKey: `key${n}`, httpStatus: 200 });
const numbered = (count: number, from = 1) => Array.from({ length: count }, (_, i) => from + i);

describe('simulators: the gateway\'s login log', () => {
  it('keeps every post in order until full', () => {
    const log = new LoginLog();
    for (const n of numbered(KEPT_LOGIN_POSTS)) log.add(post(n));
    expect(log.list().map((p) => p.at)).to.deep.equal(numbered(KEPT_LOGIN_POSTS).map((n) => `t${n}`));
  });

  it('once full, each post drops the oldest: the newest are kept, oldest first, and counted', () => {
    const log = new LoginLog();
    const total = 3 * KEPT_LOGIN_POSTS + 7;
    for (const n of numbered(total)) log.add(post(n));
    const kept = numbered(KEPT_LOGIN_POSTS, total - KEPT_LOGIN_POSTS + 1);
    expect(log.list()).to.deep.equal(kept.map((n) => post(n)));
    expect(log.count('alice')).to.equal(kept.filter((n) => n % 2 === 0).length);
    expect(log.count('bob', 'rejected')).to.equal(kept.filter((n) => n % 2 === 1 && n % 3 === 0).length);
  });

  it('hands out copies, and forgets everything on clear', () => {
    const log = new LoginLog();
    log.add(post(1));
    log.list()[0]!.headers['x-n'] = 'changed';
    expect(log.list()[0]!.headers['x-n']).to.equal('1');
    log.clear();
    expect(log.list()).to.deep.equal([]);
    expect(log.count('bob')).to.equal(0);
    log.add(post(2));
    expect(log.list()).to.deep.equal([post(2)]);
  });
});

describe('simulators: the two-factor server\'s call log', () => {
  it('once full, each call drops the oldest: the newest are kept, oldest first', () => {
    const log = new CallLog();
    const total = 2 * KEPT_CALLS + 1;
    for (const n of numbered(total)) log.add(call(n));
    expect(log.list()).to.deep.equal(numbered(KEPT_CALLS, total - KEPT_CALLS + 1).map(call));
  });

  it('forgets everything on clear', () => {
    const log = new CallLog();
    for (const n of numbered(3)) log.add(call(n));
    log.clear();
    expect(log.list()).to.deep.equal([]);
    log.add(call(4));
    expect(log.list()).to.deep.equal([call(4)]);
  });
});
