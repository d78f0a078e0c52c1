import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

// The simulators have unauthenticated control and outbox pages: they must never be reachable
// from another machine.
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * The listen/close life cycle both simulators share. close() destroys every open socket
 * (kept-alive, held by a `timeout` fault, or upgraded to a WebSocket), so it never hangs.
 */
export class SimulatorServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private listeningUrl: string | undefined;

  constructor(handler: RequestListener, onUpgrade?: UpgradeListener) {
    this.server = createServer(handler);
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    if (onUpgrade) this.server.on('upgrade', onUpgrade);
  }

  /** The base URL, such as http://127.0.0.1:41234; throws before listen(). */
  get url(): string {
    if (!this.listeningUrl) throw new Error('simulator is not listening');
    return this.listeningUrl;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<{ url: string }> {
    if (!LOOPBACK_HOSTS.has(host)) throw new Error(`simulators listen on loopback only, not ${host}`);
    if (this.listeningUrl) throw new Error('simulator is already listening');
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error) => reject(err);
      this.server.once('error', fail);
      this.server.listen(port, host, () => {
        this.server.off('error', fail);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.listeningUrl = `http://${shownHost}:${address.port}`;
    return { url: this.listeningUrl };
  }

  /**
   * Serves what comes next on an upgraded socket as a new HTTP/1.1 connection: the tunnel an h2c
   * upgrade opens to a server, spoken in HTTP/1.1 so a test can use it.
   */
  adopt(socket: Duplex, head: Buffer): void {
    if (head.length > 0) socket.unshift(head);
    this.server.emit('connection', socket);
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
    this.listeningUrl = undefined;
  }
}

/** The status an error handler answers: the error's own 4xx (a body parser's refusal), else 500. */
export function clientErrorStatus(err: unknown): number {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

/** A parsed form body as a plain record, whatever the parser left (nothing at all, for a body it refused). */
export function formOf(req: { body?: unknown }): Record<string, unknown> {
  return typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
}
