/**
 * A store operation that Redis could not carry out (unreachable, timed out, refused). Built fresh
 * from a cleaned message, never wrapping the client's error: ioredis attaches the command's
 * arguments to its errors (`err.command.args`), and those are keys (login handles) and values
 * (sealed credentials) that must never reach a log line.
 */
export class StoreError extends Error {
  constructor(readonly operation: string, reason: string) {
    super(`redis store: ${operation} failed: ${reason}`);
    this.name = 'StoreError';
  }
}

/**
 * The part of a client or server error message that holds no key or value. Redis echoes the
 * arguments of an unknown (for instance renamed) command: "ERR unknown command 'set', with args
 * beginning with: 'key' 'value'"; that tail is cut, and so is anything past 200 characters.
 */
export function safeReason(err: unknown): string {
  const message = err instanceof Error ? err.message : 'non-error thrown';
  const cut = message.search(/,?\s*with args beginning with/i);
  return (cut >= 0 ? message.slice(0, cut) : message).slice(0, 200);
}
