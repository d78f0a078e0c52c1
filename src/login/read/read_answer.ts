import { FactorgateError } from '../../errors.js';
import type { ChallengeAnswer } from '../../providers/provider.js';
import { readTypedCode } from '../../typed_code.js';

const PASSCODE = /^[0-9A-Za-z]{4,16}$/;

/** The user's answer to a passcode challenge, read as every typed code is (src/typed_code.ts). */
export function readAnswer(body: Record<string, unknown>): ChallengeAnswer {
  const passcode = readTypedCode(body.passcode);
  if (passcode === undefined) throw new FactorgateError('invalid_input', 'passcode missing or too long');
  if (!PASSCODE.test(passcode)) throw new FactorgateError('invalid_input', 'passcode refused by shape');
  const remember = body.remember;
  return { passcode, rememberDevice: remember === true || remember === 'on' || remember === 'true' || remember === '1' };
}
