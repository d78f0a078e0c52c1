import type { Outbox } from '../outbox.js';
import type { ResolvedAnakamOptions, AnakamUser } from '../options.js';
import type { AuthKeyRecord, AnakamState } from '../state.js';
import type { Method, Status } from '../vocabulary.js';
import type { ChallengeRequest, Element } from '../xml.js';

export type CommandContext = {
  record: AuthKeyRecord;
  request: ChallengeRequest;
  state: AnakamState;
  outbox: Outbox;
  options: ResolvedAnakamOptions;
  now: number;
};

/** A status word with its extra elements, or a request too malformed to answer (HTTP 400). */
export type CommandResult =
  | { kind: 'reply'; status: Status; extra: Element[] }
  | { kind: 'badRequest'; reason: string };

export type CommandHandler = (ctx: CommandContext) => CommandResult;

export function reply(status: Status, extra: Element[] = []): CommandResult {
  return { kind: 'reply', status, extra };
}

export function badRequest(reason: string): CommandResult {
  return { kind: 'badRequest', reason };
}

/** Where a passcode by this method would go, if the user has such a destination. */
export function destinationOf(user: AnakamUser | undefined, method: Method): string | undefined {
  return method === 'EMAIL' ? user?.email : user?.phone;
}
