import { createServer } from 'node:http';

// The small upstream every pass-through run reaches: one fixed 13-byte text answer, keep-alive.
// Run alone in its own process (pinned by the orchestrator) so it costs the same in all three runs.

const BODY = Buffer.from('hello, world\n');
const HEADERS = { 'Content-Type': 'text/plain', 'Content-Length': String(BODY.length) };

const server = createServer((req, res) => {
  // Drain any request body before answering, as a real server would.
  req.resume();
  res.writeHead(200, HEADERS);
  res.end(BODY);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`READY http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
