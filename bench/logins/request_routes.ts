// The bench's request counts: one label per kind of request, the same for every user and login, so
// that counts from the simulators' side and from the driver's side can be added up per login.

/** "METHOD /path" with the query left off and the per-user and per-login parts replaced by a name. */
export function routeOf(method: string | undefined, url: string | undefined): string {
  const path = (url ?? '').split('?', 1)[0]!
    .replace(/\/outbox\/[^/]+\.json$/, '/outbox/{user}.json')
    .replace(/\/challenge\/[^/]+$/, '/challenge/{authKey}');
  return `${method ?? '?'} ${path}`;
}

/** Counts by label; `since` gives what was added after an earlier copy. */
export class Tally {
  readonly counts = new Map<string, number>();

  add(label: string, n = 1): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + n);
  }

  copy(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  static since(later: Record<string, number>, earlier: Record<string, number>): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [label, n] of Object.entries(later)) if (n - (earlier[label] ?? 0) > 0) out[label] = n - (earlier[label] ?? 0);
    return out;
  }
}
