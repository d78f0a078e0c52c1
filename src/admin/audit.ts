// Every administrator action as one JSON line: who (the OS user or --actor), what, for which
// user, from where, and how it went. Never a secret: a recovery code is audited as issued, not shown.

export type Actor = {
  /** The person acting: --actor, else the operating system's user. */
  actor: string;
  /** Where from: "cli@HOST", and the SSH client's address when there is one. */
  from: string;
};

export type AuditLine = { action: string; user?: string; outcome: 'done' | 'not_found' | 'refused'; [detail: string]: unknown };

export class AdminAudit {
  constructor(private readonly who: Actor, private readonly write: (line: string) => void, private readonly now: () => number) {}

  record(line: AuditLine): void {
    this.write(`${JSON.stringify({ event: 'admin_action', time: new Date(this.now()).toISOString(), actor: this.who.actor, from: this.who.from, ...line })}\n`);
  }
}
