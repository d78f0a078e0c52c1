import { open } from 'node:fs/promises';

// The last administrator actions, for the web view's home page: read back from admin.auditFile
// when there is one (so the command line's actions show too), else kept in this process as they
// are written (then only this instance's web actions since it started, which the page says).

export type RecentAction = { time: string; actor: string; from: string; action: string; user?: string; outcome: string };

/** Actions listed at most. */
export const RECENT_ACTIONS = 20;
/** How much of the file's end is read: far more than 20 lines, and bounded however large it grows. */
const TAIL_BYTES = 64 * 1024;

export class RecentActions {
  private readonly kept: RecentAction[] = [];

  constructor(private readonly file: string | undefined) {}

  /** Where the list comes from, said on the page. */
  get source(): 'file' | 'process' {
    return this.file === undefined ? 'process' : 'file';
  }

  /** Wraps the audit's writer: every line is written as before, and kept here when there is no file to read back. */
  writer(write: (line: string) => void): (line: string) => void {
    return (line) => {
      write(line);
      if (this.file !== undefined) return;
      const action = readAction(line);
      if (!action) return;
      this.kept.push(action);
      if (this.kept.length > RECENT_ACTIONS) this.kept.shift();
    };
  }

  /** Newest first. */
  async list(): Promise<RecentAction[]> {
    const actions = this.file === undefined ? this.kept : (await tail(this.file)).split('\n').map(readAction).filter((a) => a !== undefined);
    return actions.slice(-RECENT_ACTIONS).reverse();
  }
}

async function tail(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    // The first line may be cut in two: dropped unless the read began at the file's start.
    const text = buffer.toString('utf8');
    return length < size ? text.slice(text.indexOf('\n') + 1) : text;
  } finally {
    await handle.close();
  }
}

/** One audit line as an action, or undefined for anything else (a line cut short, another program's). */
function readAction(line: string): RecentAction | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  const entry = parsed as Record<string, unknown> | null;
  if (typeof entry !== 'object' || entry === null || entry.event !== 'admin_action') return undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 256) : undefined);
  const [time, actor, from, action, outcome] = [text(entry.time), text(entry.actor), text(entry.from), text(entry.action), text(entry.outcome)];
  if (!time || !actor || !from || !action || !outcome) return undefined;
  const user = text(entry.user);
  return { time, actor, from, action, outcome, ...(user !== undefined && { user }) };
}
