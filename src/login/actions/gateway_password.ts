import { FactorgateError } from '../../errors.js';
import type { ReplayResult } from '../../gateway/replay.js';
import { openPassword } from '../sealed_credentials.js';
import type { Action } from './step.js';

/**
 * GATEWAY_PASSWORD: the gateway checks the password now, before any code or push is sent, as one
 * guess against the user's limit. The session it opens is held server-side (gateway/held_sessions.ts)
 * until the second factor holds, and logged out if the login ends any other way. A wrong password
 * and an unknown user are one answer: the gateway's refusal.
 */
export const gatewayPassword: Action = async (step) => {
  const { replayer, limits, keyring, heldSessions } = step.deps;
  const { record } = step;
  const password = step.field('password') ?? openPassword(record, keyring);
  const client = { ip: record.clientIp, userAgent: record.userAgent };
  const checked = await limits.guess<ReplayResult | 'refused'>(
    record.username,
    () => replayer.replay(record.gatewayName, password, client, record.deadline).catch((err: unknown) => {
      if (err instanceof FactorgateError && err.code === 'gateway_refused') return 'refused' as const;
      throw err;
    }),
    (result) => result === 'refused',
  );
  if (checked === 'refused') return step.passwordRefused({ firstFactor: 'gateway' });
  await heldSessions.hold(record.id, checked, client, record.deadline);
  step.sessionHeld();
  await step.passwordRight(step.user());
  return 'success';
};
