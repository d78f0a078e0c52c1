import { FactorgateError, asFactorgateError } from '../errors.js';
import { csrfMatches, sameBrowser, type Client } from './client.js';
import type { Login } from './login.js';
import type { LoginRecord } from './record.js';
import { Run } from './run.js';
import { refusedOnly, type LoginView } from './views.js';

type Step = (record: LoginRecord, run: Run) => Promise<LoginView>;

/**
 * The one gate in front of every post of a login in progress: the handle names a waiting login,
 * from the browser that started it, with that login's CSRF token; then the login is locked and
 * read again under the lock, and the step runs with one Run for the request. A refused post leaves
 * the login as it was; any error inside the step ends it (fail closed).
 */
export async function withLogin(login: Login, loginId: string, csrf: unknown, client: Client, step: Step): Promise<LoginView> {
  const { records, logger, flow } = login.deps;
  const record = await records.load(loginId);
  if (!record) return { kind: 'failed', error: new FactorgateError('no_login', 'unknown, finished or expired login handle'), forgetDevice: false };
  // The handle is bound to the browser that started the login: a copied cookie does not carry over.
  if (!sameBrowser(record, client)) {
    logger.warn({ event: 'handle_other_browser', user: record.username, clientIp: client.ip, loginClientIp: record.clientIp }, 'login handle presented by another browser');
    return refusedOnly(new FactorgateError('no_login', 'handle presented by another browser'));
  }
  if (!csrfMatches(record, csrf)) {
    // The token of a login this browser left when it began this one (in another tab): the user
    // is told where the sign-in went. Refused either way.
    const error = (await records.wasSuperseded(csrf))
      ? new FactorgateError('other_tab', 'post for a login this browser left for a newer one (another tab)', { user: record.username })
      : new FactorgateError('csrf', 'per-login CSRF token missing or wrong', { user: record.username });
    logger.warn({ event: 'request_refused', code: error.code, user: record.username, clientIp: record.clientIp }, error.detail);
    return refusedOnly(error);
  }
  if (record.state !== 'awaiting_answer') return login.outcomes.fail(record, new FactorgateError('wrong_state', `answer in state ${record.state}`), false);
  if (!(await records.lock(record.id, login.lockMs))) return refusedOnly(new FactorgateError('wrong_state', 'concurrent post for the same login'));
  let current = record;
  try {
    // Read again under the lock: a post that loaded the login before another one ended or moved it
    // must not act on its stale copy (it would replay the wiped password again).
    const locked = await records.load(record.id);
    if (!locked || locked.state !== 'awaiting_answer') {
      return { kind: 'failed', error: new FactorgateError('no_login', 'login ended while this post waited for it'), forgetDevice: false };
    }
    current = locked;
    // A login begun under another flow (the configuration changed) ends before any callout is made for it.
    if (current.flow && current.flow.flow !== flow.fingerprint) throw new FactorgateError('wrong_state', 'the login flow changed since this login began');
    return await step(current, new Run(login.deps, current, client));
  } catch (err) {
    return login.outcomes.fail(current, asFactorgateError(err), false);
  } finally {
    await records.unlock(record.id);
  }
}
