import { FactorgateError } from '../../errors.js';
import type { ChallengeAnswer } from '../../providers/provider.js';

const PASSCODE = /^[0-9A-Za-z]{4,16}$/;

/** The user's answer to a passcode challenge; spaces people type between digit groups are dropped. */
export function readAnswer(body: Record<string, unknown>): ChallengeAnswer {
  const raw = body.passcode;
  if (typeof raw !== 'string' || raw.length > 32) throw new FactorgateError('invalid_input', 'passcode missing or too long');
  const passcode = raw.replace(/[\s-]/g, '');
  if (!PASSCODE.test(passcode)) throw new FactorgateError('invalid_input', 'passcode refused by shape');
  const remember = body.remember;
  return { passcode, rememberDevice: remember === true || remember === 'on' || remember === 'true' || remember === '1' };
}
