import type { Method } from './vocabulary.js';

/** What the simulator "sent": it stands in for the users' mailboxes and phones. */
export type OutboxMessage = { passcode: string; destination: string; method: Method; sentAt: string };

/** The last passcode sent to each user. */
export class Outbox {
  private readonly messages = new Map<string, OutboxMessage>();

  deliver(user: string, message: OutboxMessage): void {
    this.messages.set(user, message);
  }

  last(user: string): OutboxMessage | undefined {
    return this.messages.get(user);
  }

  /** Newest first, for the page; a copy, so callers cannot change the outbox. */
  all(): Array<[user: string, message: OutboxMessage]> {
    return [...this.messages].map(([user, m]): [string, OutboxMessage] => [user, { ...m }]).sort((a, b) => b[1].sentAt.localeCompare(a[1].sentAt));
  }

  clear(): void {
    this.messages.clear();
  }
}
