import { FactorgateError } from '../errors.js';

// Every state a login can be in, and every move between them, in one place.
//
//   (first factor posted) ──► awaiting_answer ──► second_factor_passed ──► done
//            │                  │    ▲ wrong passcode, resend                │
//            │                  └────┘                                       │
//            ├── device accepted ─────────────────► second_factor_passed ────┘
//            └──────────── any refusal or error ──► failed  (record wiped)
//
// `done` and `failed` are terminal: the record and its sealed credentials are deleted at once,
// so a handle can never be used again.

export type LoginState = 'started' | 'awaiting_answer' | 'second_factor_passed' | 'done' | 'failed';

const transitions: Record<LoginState, readonly LoginState[]> = {
  started: ['awaiting_answer', 'second_factor_passed', 'failed'],
  awaiting_answer: ['awaiting_answer', 'second_factor_passed', 'failed'],
  second_factor_passed: ['done', 'failed'],
  done: [],
  failed: [],
};

export function assertTransition(from: LoginState, to: LoginState): void {
  if (!transitions[from].includes(to)) {
    throw new FactorgateError('wrong_state', `illegal login transition ${from} -> ${to}`);
  }
}
