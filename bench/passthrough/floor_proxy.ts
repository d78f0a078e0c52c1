import { Agent, createServer, request } from 'node:http';
import { createProxyMiddleware } from 'http-proxy-middleware';

// Reference proxies for the profile section of the README, not factorgate: what Node itself
// costs per proxied request, with nothing of factorgate around it.
//   BENCH_MODE=pipe  node's http server piping into http.request with a keep-alive agent
//   BENCH_MODE=hpm   http-proxy-middleware on a plain node http server, as factorgate configures it

const target = new URL(process.env.BENCH_GATEWAY_URL!);
const agent = new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64 });
const mode = process.env.BENCH_MODE ?? 'pipe';

const server = mode === 'hpm'
  ? createServer(createProxyMiddleware({ target: target.origin, agent, xfwd: true, ejectPlugins: true }) as never)
  : createServer((req, res) => {
    const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1', () => {
  const address = server.address() as { port: number };
  console.log(`READY http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => process.exit(0));
