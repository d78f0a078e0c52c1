import type { LoginDeps } from './deps.js';
import { makeLogin } from './login.js';
import { openChallenge, type LoginRecord } from './record.js';
import { withdrawOpenPush } from './withdraw_push.js';

/**
 * A new push went to the user's phone: the user's earlier logins still waiting on a push (a tab
 * closed without cancelling, another browser) end, their pushes withdrawn, so the phone offers one
 * request at a time and no sealed password waits for nobody. A login busy with a post of its own
 * right now is left alone: it is not abandoned.
 */
export async function endEarlierPushLogins(deps: LoginDeps, record: Readonly<LoginRecord>): Promise<void> {
  const { records, logger } = deps;
  const login = makeLogin(deps);
  for (const id of await records.takeOpenPushes(record.username, record.id)) {
    if (!(await records.lock(id, login.lockMs))) continue;
    try {
      const earlier = await records.load(id);
      if (earlier?.username !== record.username || earlier.state !== 'awaiting_answer' || openChallenge(earlier)?.kind !== 'push') continue;
      logger.info({ event: 'push_superseded', user: record.username, clientIp: record.clientIp, earlierClientIp: earlier.clientIp },
        'a new push for this user: the earlier login waiting on one ends, its push withdrawn');
      await withdrawOpenPush(deps, earlier);
      await records.remove(id, 'superseded');
      login.outcomes.audit(earlier, 'superseded');
    } finally {
      await records.unlock(id);
    }
  }
}
