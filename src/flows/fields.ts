import { readTypedCode } from '../typed_code.js';
import type { LoginSchema } from './schema.js';

// Reads a posted form against a factor's login schema before any action sees it. Type confusion
// is refused, not coerced: a field posted twice or as an object is not text.

export type LoginFields = ReadonlyMap<string, string | boolean>;

export type FieldsRead =
  | { ok: true; fields: LoginFields }
  | { ok: false; field: string; why: 'missing' | 'not_text' | 'too_long' };

export const MAX_FIELD_LENGTH = 256;

/** The schema's fields from an untrusted body: text fields required and bounded, a checkbox true when posted. */
export function readLoginFields(schema: LoginSchema, body: unknown, maxLength = MAX_FIELD_LENGTH): FieldsRead {
  const source = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {};
  const fields = new Map<string, string | boolean>();
  for (const field of schema.fields) {
    const value = Object.hasOwn(source, field.name) ? (source as Record<string, unknown>)[field.name] : undefined;
    if (field.type === 'checkbox') {
      if (value !== undefined && typeof value !== 'string') return { ok: false, field: field.name, why: 'not_text' };
      fields.set(field.name, value !== undefined && value !== '');
      continue;
    }
    if (value === undefined) return { ok: false, field: field.name, why: 'missing' };
    if (typeof value !== 'string') return { ok: false, field: field.name, why: 'not_text' };
    if (value.length > maxLength) return { ok: false, field: field.name, why: 'too_long' };
    // A code is read as every typed code is (src/typed_code.ts); one too long to be a code is refused.
    const text = field.type === 'otp' ? readTypedCode(value) : value;
    if (text === undefined) return { ok: false, field: field.name, why: 'too_long' };
    if (text === '') return { ok: false, field: field.name, why: 'missing' };
    fields.set(field.name, text);
  }
  return { ok: true, fields };
}
