import { FactorgateError } from '../../errors.js';

/** The form field factorgate adds to the login page when LinOTP wants the token PIN (otppin 0). */
export const TOKEN_PIN_FIELD = 'fg_pin';

const PIN = /^[^\p{Cc}]{1,64}$/u;

/** The token PIN typed on the login page, checked for type and shape; undefined when absent. */
export function readTokenPin(body: Record<string, unknown>): string | undefined {
  const pin = body[TOKEN_PIN_FIELD];
  if (pin === undefined || pin === '') return undefined;
  if (typeof pin !== 'string' || !PIN.test(pin)) throw new FactorgateError('invalid_input', 'token PIN refused by shape');
  return pin;
}
