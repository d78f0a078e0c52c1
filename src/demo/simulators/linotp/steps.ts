import type { ResolvedLinotpOptions } from './options.js';
import type { Params } from './params.js';
import type { PinCheck } from './pin_check.js';
import type { Reply } from './replies.js';
import type { Transactions } from './transactions.js';

/** What every /validate step reads; `user` is known to be present and non-empty. */
export type StepDeps = { transactions: Transactions; pins: PinCheck; options: ResolvedLinotpOptions };
export type StepParams = Params & { user: string };
export type Step = (deps: StepDeps, params: StepParams) => Reply;
