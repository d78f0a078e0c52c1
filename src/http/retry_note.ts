import type { Keyring } from '../security/keyring.js';

// What a browser without the script is told when the gateway refused its password: the login page
// again, with the refusal above the form and the user name kept. The note rides in a short-lived
// cookie scoped to the login page, sealed so that no other page can write one, and is read once.

/** How long a note waits for the login page it sends the browser back to. */
export const RETRY_NOTE_MS = 120_000;

const CONTEXT = 'login-retry';
const MAX_USER = 256;

export function sealRetryNote(keyring: Keyring, user: string, now: number): string {
  return keyring.seal(JSON.stringify({ user: user.slice(0, MAX_USER), at: now }), CONTEXT);
}

/** The user name a fresh note keeps; undefined for no note, a forged, stale or malformed one. */
export function openRetryNote(keyring: Keyring, value: string | undefined, now: number): { user: string } | undefined {
  if (value === undefined || value.length > 2048) return undefined;
  const opened = keyring.open(value, CONTEXT);
  if (opened === undefined) return undefined;
  try {
    const note = JSON.parse(opened) as { user?: unknown; at?: unknown };
    if (typeof note.user !== 'string' || typeof note.at !== 'number' || !(now - note.at >= 0 && now - note.at < RETRY_NOTE_MS)) return undefined;
    return { user: note.user.slice(0, MAX_USER) };
  } catch {
    return undefined;
  }
}
