// How a code a person typed is read: the one reading for the login's passcode field, a flow's
// otp field and /manageotp. People copy codes as they are shown ("123 456", "123-456") or paste
// them with a stray space or a typographic dash; those separators carry nothing and are dropped.
// What is left is checked for shape by whoever knows the shape (a passcode, a TOTP code).

/** A typed code longer than this is refused before it is read: no code comes near it. */
export const MAX_TYPED_CODE = 32;

// White space of any kind, the hyphen-minus, the Unicode hyphens and dashes, and the minus sign.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212]/gu;

/** The code without its separators; undefined when not a string or longer than MAX_TYPED_CODE. */
export function readTypedCode(typed: unknown): string | undefined {
  if (typeof typed !== 'string' || typed.length > MAX_TYPED_CODE) return undefined;
  return typed.replace(SEPARATORS, '');
}
