import { randomBytes } from 'node:crypto';

/** Gateway sessions: an opaque random cookie value names the user it was issued to. */
export class Sessions {
  private readonly byId = new Map<string, string>();

  open(user: string): string {
    const id = randomBytes(32).toString('hex');
    this.byId.set(id, user);
    return id;
  }

  userOf(id: string | undefined): string | undefined {
    return id === undefined ? undefined : this.byId.get(id);
  }

  end(id: string | undefined): void {
    if (id !== undefined) this.byId.delete(id);
  }

  count(user?: string): number {
    return [...this.byId.values()].filter((u) => user === undefined || u === user).length;
  }

  clear(): void {
    this.byId.clear();
  }
}
