import type { ChildProcess } from 'node:child_process';

let nextId = 1;

/** Sends a command to a child started with an IPC channel and waits for the answer with the same id. */
export function ask<T>(child: ChildProcess, cmd: string, args: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => { child.off('message', onMessage); reject(new Error(`no answer to ${cmd}`)); }, timeoutMs);
    const onMessage = (message: { id?: number }) => {
      if (message.id !== id) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message as T);
    };
    child.on('message', onMessage);
    child.send({ id, cmd, ...args });
  });
}
