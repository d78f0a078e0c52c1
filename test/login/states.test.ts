import { expect } from 'chai';
import { FactorgateError } from '../../src/errors.js';
import { assertTransition, type LoginState } from '../../src/login/record.js';

const states: LoginState[] = ['started', 'awaiting_answer', 'second_factor_passed'];

const allowed: Array<[LoginState, LoginState]> = [
  ['started', 'awaiting_answer'],
  ['started', 'second_factor_passed'], // remembered device accepted
  ['awaiting_answer', 'awaiting_answer'], // wrong passcode, resend, the next factor
  ['awaiting_answer', 'second_factor_passed'],
];

const isAllowed = (from: LoginState, to: LoginState) => allowed.some(([f, t]) => f === from && t === to);

describe('login states (src/login/record.ts)', () => {
  for (const [from, to] of allowed) {
    it(`allows ${from} -> ${to}`, () => {
      expect(() => assertTransition(from, to)).not.to.throw();
    });
  }

  // Every other pair, including the skips that would bypass the second factor.
  for (const from of states) {
    for (const to of states) {
      if (isAllowed(from, to)) continue;
      it(`refuses ${from} -> ${to} with wrong_state`, () => {
        let thrown: unknown;
        try {
          assertTransition(from, to);
        } catch (err) {
          thrown = err;
        }
        expect(thrown).to.be.instanceOf(FactorgateError);
        expect((thrown as FactorgateError).code).to.equal('wrong_state');
        expect((thrown as FactorgateError).status).to.equal(409);
      });
    }
  }
});
