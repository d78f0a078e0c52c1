import { connect } from 'node:net';

/**
 * Sends bytes exactly as written, so no client library normalises the request target first, and
 * resolves with everything the server sent once it closes the connection (send Connection: close).
 */
export function rawRequest(url: string, text: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    // A reset after the answer (the server closed with part of the body unread) still leaves the answer.
    socket.on('error', (err) => { if (chunks.length === 0) reject(err); });
  });
}

/** A form post to `target` as one raw HTTP/1.1 request that asks the server to close after answering. */
export function rawPost(target: string, body: string, headers: Record<string, string> = {}): string {
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return `POST ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
}
