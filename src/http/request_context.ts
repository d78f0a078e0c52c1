import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The request id of the request being served, wherever its work continues (callouts, the
 * replay, log lines written deep in a module that holds the process-wide logger): one id joins
 * every line of one request, and goes to the gateway and the two-factor and push servers as
 * X-Request-Id so their logs can be joined to factorgate's.
 */
const context = new AsyncLocalStorage<{ requestId: string }>();

export const REQUEST_ID_HEADER = 'x-request-id';

/** An id a trusted proxy may hand on: short and plain, so it can go into a log line and a header as it is. */
const PLAIN_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}

/** The id a trusted proxy gave, when plain, or a new one: a client may not choose the id its lines are filed under. */
export function requestIdFor(given: string | string[] | undefined, fromTrustedProxy: boolean): string {
  return fromTrustedProxy && typeof given === 'string' && PLAIN_ID.test(given) ? given : randomUUID();
}

export function withRequestId<T>(requestId: string, work: () => T): T {
  return context.run({ requestId }, work);
}
