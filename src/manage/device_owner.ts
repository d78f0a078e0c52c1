// The key under which a user's devices are kept. Directories and gateways match user names
// without regard to case, so "Alice" and "alice" pass the same password check; if the portal kept
// their devices apart, a stolen password could register a first device under "ALICE" while the
// real user's devices sit under "alice". One spelling per user closes that.

export function deviceOwner(username: string): string {
  return username.normalize('NFC').toLowerCase();
}
