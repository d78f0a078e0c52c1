import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';

/** A WebSocket echo at one path: every message comes back as it went, text or binary. */
export function webSocketEcho(path: string): { onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void; close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  wss.on('connection', (ws) => {
    // A peer's protocol error must end that connection, not the process.
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  return {
    onUpgrade(req, socket, head) {
      if (new URL(req.url ?? '/', 'http://gateway.invalid').pathname !== path) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    /** Drops open WebSockets; the server stays usable should it listen again. */
    close() {
      for (const client of wss.clients) client.terminate();
    },
  };
}
