import { expect } from 'chai';
import { Sessions } from '../../../src/demo/simulators/gateway/sessions.js';
import { resolveGatewayOptions } from '../../../src/demo/simulators/gateway/options.js';

// The gateway simulator's sessions are bounded, as a real gateway's are: in time (the idle
// timeout) and in count (the one unused the longest goes first).

const IDLE = 60_000;

/** A clock the test moves by hand (it starts well after 0: lru-cache takes a start of 0 for "no time-out"). */
function manualClock() {
  let now = 1_000_000;
  return { now: () => now, pass: (ms: number) => { now += ms; } };
}

describe('gateway simulator: sessions', () => {
  it('a session unused for longer than the idle time is gone, and its logout is not counted', () => {
    const clock = manualClock();
    const sessions = new Sessions({ idleMs: IDLE, now: clock.now });
    const id = sessions.open('alice');
    clock.pass(IDLE);
    expect(sessions.count('alice')).to.equal(1);
    clock.pass(1);
    expect(sessions.count('alice')).to.equal(0);
    expect(sessions.userOf(id)).to.equal(undefined);
    sessions.end(id);
    expect(sessions.logouts('alice')).to.equal(0);
  });

  it('each use restarts the idle time', () => {
    const clock = manualClock();
    const sessions = new Sessions({ idleMs: IDLE, now: clock.now });
    const id = sessions.open('alice');
    for (let i = 0; i < 5; i++) {
      clock.pass(IDLE - 1);
      expect(sessions.userOf(id)).to.equal('alice');
    }
    clock.pass(IDLE + 1);
    expect(sessions.userOf(id)).to.equal(undefined);
  });

  it('holds at most max sessions: opening one more drops the oldest', () => {
    const sessions = new Sessions({ idleMs: IDLE, max: 3 });
    const ids = ['alice', 'bob', 'carol', 'dave', 'erin'].map((user) => sessions.open(user));
    expect(sessions.count()).to.equal(3);
    expect(ids.map((id) => sessions.userOf(id))).to.deep.equal([undefined, undefined, 'carol', 'dave', 'erin']);
  });

  it('the oldest is the one unused the longest: a session in use stays', () => {
    const sessions = new Sessions({ idleMs: IDLE, max: 2 });
    const alice = sessions.open('alice');
    const bob = sessions.open('bob');
    expect(sessions.userOf(alice)).to.equal('alice');
    const carol = sessions.open('carol');
    expect([alice, bob, carol].map((id) => sessions.userOf(id))).to.deep.equal(['alice', undefined, 'carol']);
  });

  it('a logout ends that session alone and is counted; clear forgets sessions and logouts', () => {
    const sessions = new Sessions({ idleMs: IDLE });
    const first = sessions.open('alice');
    const second = sessions.open('alice');
    sessions.end(first);
    sessions.end(first);
    sessions.end(undefined);
    expect(sessions.logouts('alice')).to.equal(1);
    expect(sessions.userOf(second)).to.equal('alice');
    expect(sessions.count()).to.equal(1);
    sessions.clear();
    expect([sessions.count(), sessions.logouts('alice')]).to.deep.equal([0, 0]);
  });

  it('the simulator\'s sessions time out when idle unless told otherwise, as a gateway\'s do (30 minutes)', () => {
    expect(resolveGatewayOptions({ users: {} }).sessionIdleMs).to.equal(30 * 60_000);
    expect(resolveGatewayOptions({ users: {}, sessionIdleMs: 1000 }).sessionIdleMs).to.equal(1000);
  });
});
