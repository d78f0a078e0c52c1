import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay to a directory (it gives an ldap:// URL) that counts the connections made through it
 * and those still open, and keeps what the client sent (`sent`: what anyone on the wire would
 * see); each reply may be delayed by replyDelayMs.
 */
export async function countingRelay(target: () => string, replyDelayMs = 0, host = '127.0.0.1'): Promise<{ url: string; made: number; open: number; sent(): Buffer; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const chunks: Buffer[] = [];
  const relay = {
    url: '', made: 0, open: 0, sent: () => Buffer.concat(chunks),
    close: () => new Promise<void>((resolve) => { sockets.forEach((s) => s.destroy()); server.close(() => resolve()); }),
  };
  const server: Server = createServer((socket) => {
    relay.made += 1;
    relay.open += 1;
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const { hostname, port } = new URL(target());
    const upstream = connect(Number(port), hostname);
    sockets.add(socket).add(upstream);
    socket.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => (replyDelayMs ? setTimeout(() => socket.write(chunk), replyDelayMs) : socket.write(chunk)));
    socket.once('close', () => { relay.open -= 1; upstream.destroy(); });
    upstream.once('close', () => socket.destroy());
    socket.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  relay.url = `ldap://${host.includes(':') ? `[${host}]` : host}:${(server.address() as { port: number }).port}`;
  return relay;
}
