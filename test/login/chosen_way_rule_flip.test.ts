import { expect } from 'chai';
import type { EngineState, RuleFacts } from '../../src/flows/index.js';
import { runChosenWay } from '../../src/login/chosen_way.js';
import type { Login } from '../../src/login/login.js';
import type { LoginRecord } from '../../src/login/record.js';
import type { Run } from '../../src/login/run.js';
import type { Challenge } from '../../src/providers/provider.js';
import { facts, flowFrom, flowOf, scriptedAct } from '../flows/helpers.js';

// A way chosen under "Other options" has its rule tested twice: by chosen_way.ts before it runs,
// and by the engine as it runs it. A rule can hold at the first and not at the second: here a
// time-of-day rule read at a minute's last millisecond and then at the next minute's first (the
// clock moves on by a millisecond each time it is read, as real time does between the two).
// When the engine passes the chosen way over, nothing after it may run in its place.

const ELEVEN_UTC = Date.UTC(2026, 0, 5, 11, 0);

/** Rule facts whose `now` is read from a clock that moves on 1 ms with every read, from 10:59:59.999 UTC. */
function tickingFacts(): { facts: () => RuleFacts; reads: number[] } {
  const reads: number[] = [];
  let now = ELEVEN_UTC - 1;
  return { reads, facts: () => { reads.push(now); return facts({ now: now++ }); } };
}

const CHALLENGE = { kind: 'passcode' } as unknown as Challenge;

/** The login's open challenge: policy 0 of `second`, after the password factor. */
function openState(fingerprint: string): EngineState {
  return { flow: fingerprint, factor: 'second', policy: 0, waiting: 'challenge', path: [{ factor: 'password', index: 0, action: 'GATEWAY_PASSWORD' }], tried: [] };
}

/** What runChosenWay reads of the login and its run: the flow, a noWinner for a refusal, the run's facts and act. */
function setup(flow: ReturnType<typeof flowOf>, act: ReturnType<typeof scriptedAct<Challenge>>, ruleFacts: () => RuleFacts) {
  const login = { deps: { flow }, outcomes: { noWinner: () => new Error('no policy won') } } as unknown as Login;
  const record = { provider: 'anakam', providerState: { open: true }, path: 'passcode' } as unknown as LoginRecord;
  const run = { facts: ruleFacts, act } as unknown as Run;
  return { login, record, run };
}

describe('login: a chosen way whose rule stops holding between chosen_way\'s test and the engine\'s (src/login/chosen_way.ts)', () => {
  it('the push chosen at 10:59 is passed over by the engine at 11:00; the passcode after it in the same factor is not started in its place', async () => {
    const flow = flowOf(flowFrom({
      password: [['true', 'GATEWAY_PASSWORD', 'second']],
      second: [['true', 'OTP_CODE'], ['time.hour == 10', 'PUSH'], ['true', 'ANAKAM_PASSCODE']],
    }));
    const act = scriptedAct<Challenge>({ PUSH: [{ challenge: CHALLENGE }], ANAKAM_PASSCODE: [{ challenge: CHALLENGE }] });
    const clock = tickingFacts();
    const { login, record, run } = setup(flow, act, clock.facts);

    const chosen = await runChosenWay(login, record, run, openState(flow.fingerprint), 1);

    expect(chosen).to.deep.equal({ kind: 'unavailable', reason: 'rule_false' });
    expect(clock.reads.slice(0, 2), 'held at chosen_way\'s test, not at the engine\'s').to.deep.equal([ELEVEN_UTC - 1, ELEVEN_UTC]);
    expect(act.calls, 'nothing was started').to.deep.equal([]);
    expect(record).to.deep.include({ provider: 'anakam', providerState: { open: true }, path: 'passcode' });
  });

  it('the push chosen at 10:59 is passed over at 11:00; the NO_AUTHN after it does not lead into the next factor\'s push in its place', async () => {
    const flow = flowOf(flowFrom({
      password: [['true', 'GATEWAY_PASSWORD', 'second']],
      second: [['true', 'OTP_CODE'], ['time.hour == 10', 'PUSH'], ['true', 'NO_AUTHN', 'phone']],
      phone: [['true', 'PUSH']],
    }));
    const act = scriptedAct<Challenge>({ PUSH: [{ challenge: CHALLENGE }] });
    const clock = tickingFacts();
    const { login, record, run } = setup(flow, act, clock.facts);

    const chosen = await runChosenWay(login, record, run, openState(flow.fingerprint), 1);

    expect(chosen).to.deep.equal({ kind: 'unavailable', reason: 'rule_false' });
    expect(clock.reads[0], 'held at chosen_way\'s test').to.equal(ELEVEN_UTC - 1);
    expect(act.calls, 'nothing was started').to.deep.equal([]);
  });

  it('a chosen way whose rule holds at both tests starts: the ticking clock alone does not stop it', async () => {
    const flow = flowOf(flowFrom({
      password: [['true', 'GATEWAY_PASSWORD', 'second']],
      second: [['true', 'OTP_CODE'], ['time.hour >= 10', 'PUSH'], ['true', 'ANAKAM_PASSCODE']],
    }));
    const act = scriptedAct<Challenge>({ PUSH: [{ challenge: CHALLENGE }] });
    const { login, record, run } = setup(flow, act, tickingFacts().facts);

    const chosen = await runChosenWay(login, record, run, openState(flow.fingerprint), 1);

    expect(chosen.kind).to.equal('started');
    expect(act.calls.map((c) => [c.action, c.at.index])).to.deep.equal([['PUSH', 1]]);
  });

  it('the last way of the factor, its rule already false when chosen, starts nothing and does not end the login (the engine alone would find no winner)', async () => {
    const flow = flowOf(flowFrom({
      password: [['true', 'GATEWAY_PASSWORD', 'second']],
      second: [['true', 'OTP_CODE'], ['time.hour == 9', 'PUSH']],
    }));
    const act = scriptedAct<Challenge>({ PUSH: [{ challenge: CHALLENGE }] });
    const { login, record, run } = setup(flow, act, tickingFacts().facts);

    const chosen = await runChosenWay(login, record, run, openState(flow.fingerprint), 1);

    expect(chosen).to.deep.equal({ kind: 'unavailable', reason: 'rule_false' });
    expect(act.calls).to.deep.equal([]);
  });
});
