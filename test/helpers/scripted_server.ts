import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the server answers one request: drip the reply, or answer it at once. */
export type ScriptedAnswer = 'trickle' | { status: number; headers?: Record<string, string | string[]>; body?: string };

export type ScriptedServer = {
  url: string;
  /** Replies being dripped right now. */
  readonly trickling: number;
  /** Resolves once `count` dripped replies in all have been broken off by the client. */
  brokenOff(count: number): Promise<void>;
  close(): Promise<void>;
};

/**
 * A server whose every answer the test scripts, hostile ones included: for a request `answer`
 * calls 'trickle', it sends a 200's headers at once and then one byte every `intervalMs`, for as
 * long as the client keeps the connection open. Every byte resets a socket-idle timer, so only a
 * deadline on the whole call ends it.
 */
export async function startScriptedServer(answer: (req: IncomingMessage, body: string) => ScriptedAnswer, intervalMs = 50): Promise<ScriptedServer> {
  let trickling = 0;
  let ended = 0;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const settle = () => {
    for (const waiter of waiters.filter((w) => ended >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };

  const drip = (res: ServerResponse) => {
    trickling += 1;
    res.writeHead(200, { 'Content-Type': 'application/xml' });
    res.flushHeaders();
    const timer = setInterval(() => res.write(' '), intervalMs);
    res.once('close', () => {
      clearInterval(timer);
      trickling -= 1;
      ended += 1;
      settle();
    });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = answer(req, Buffer.concat(chunks).toString());
      if (reply === 'trickle') return drip(res);
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get trickling() {
      return trickling;
    },
    brokenOff: (count) => new Promise<void>((resolve) => {
      waiters.push({ count, resolve });
      settle();
    }),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
