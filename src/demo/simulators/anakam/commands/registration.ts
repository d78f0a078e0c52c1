import type { ResolvedAnakamOptions } from '../options.js';

export type Registration = { ok: true; hours?: number } | { ok: false; reason: string };

/** <registerDevice>true</registerDevice> with optional <registrationHours>; hours are ignored without it. */
export function registrationOf(fields: Map<string, string>, options: ResolvedAnakamOptions): Registration {
  const register = fields.get('registerDevice');
  if (register === undefined || /^false$/i.test(register)) return { ok: true };
  if (!/^true$/i.test(register)) return { ok: false, reason: 'registerDevice must be true or false' };
  const text = fields.get('registrationHours');
  if (text === undefined) return { ok: true, hours: options.defaultRegistrationHours };
  const hours = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(hours >= 1 && hours <= options.maxRegistrationHours)) {
    return { ok: false, reason: `registrationHours must be a whole number from 1 to ${options.maxRegistrationHours}` };
  }
  return { ok: true, hours };
}
