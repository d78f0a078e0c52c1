import { FactorgateError } from '../errors.js';
import type { Logger } from '../log.js';
import type { LinotpClient, ListedPushToken } from '../providers/linotp/client.js';
import type { LinotpConfig } from '../providers/linotp/config.js';

// A user's push enrolment, as the push server reports it (LinOTP's GET /admin/show). Many
// servers do not let factorgate list tokens; the administrator's view then says so and goes on.

export type { ListedPushToken };

export const PUSH_NOT_AVAILABLE = 'not available from the push server' as const;
export const NO_PUSH_SERVER = 'no push server' as const;

export type PushEnrolment = ListedPushToken[] | typeof PUSH_NOT_AVAILABLE | typeof NO_PUSH_SERVER;

/** The user's push tokens, or PUSH_NOT_AVAILABLE; never throws for what the server did. */
export type PushTokenLister = (user: string) => Promise<PushEnrolment>;

/**
 * Lists through the push provider's client, bounded like its other callouts (linotp.timeoutMs
 * for the whole call, across every server; the reply's size by the client). A refusal, an error
 * or no answer is one log line (push_tokens_unavailable) and PUSH_NOT_AVAILABLE.
 */
export function pushTokenLister(client: Pick<LinotpClient, 'listPushTokens'>, options: { timeoutMs: number; logger: Logger; now: () => number }): PushTokenLister {
  return async (user) => {
    try {
      return await client.listPushTokens(user, options.now() + options.timeoutMs);
    } catch (err) {
      if (!(err instanceof FactorgateError)) throw err;
      options.logger.warn({ event: 'push_tokens_unavailable', user, code: err.code, reason: err.detail, ...err.extra }, 'the push server did not list the user\'s push tokens');
      return PUSH_NOT_AVAILABLE;
    }
  };
}

/**
 * The listing as the `linotp` section configures it, when there is a push server: the running
 * factorgate's /admin and `factorgate admin` both build theirs here, so a setting of the section
 * reaches both or neither.
 */
export function pushTokenListerFor(section: LinotpConfig | undefined, client: Pick<LinotpClient, 'listPushTokens'> | undefined, runtime: { logger: Logger; now: () => number }): PushTokenLister | undefined {
  return section && client && pushTokenLister(client, { timeoutMs: section.timeoutMs, ...runtime });
}
