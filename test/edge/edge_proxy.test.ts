import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { EDGE_KINDS, startEdgeProxy } from '../../src/edge/run_edge.js';
import { COOKIE_HEADER, startLenientStack, type LenientStack } from '../helpers/lenient_gateway.js';
import { rawPost, rawRequest } from '../helpers/raw_http.js';

// A real nginx and a real HAProxy running the configuration `factorgate edge` generates, in front
// of factorgate and the gateway simulator: what they pass on and to whom, beyond the attacks of
// test/security/bypass.*.test.ts.

type Reply = { status: number; headers: IncomingHttpHeaders; body: string };

/** One request from a chosen local address (127.0.0.2 is a client that is not the edge). */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer | string; localAddress?: string; ca?: Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const make = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = make(url, { method: options.method ?? 'GET', headers: options.headers, localAddress: options.localAddress, ca: options.ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

for (const kind of EDGE_KINDS) {
  describe(`edge mode through ${kind}`, function () {
    this.timeout(30_000);
    let s: LenientStack;
    before(async () => { s = await startLenientStack(kind); });
    beforeEach(() => s.gateway.reset());
    after(async () => { await s.close(); });

    it('the login page comes from factorgate with its script and form token; its static files too', async () => {
      const page = await send(`${s.url}/vpn/index.html`);
      expect(page.status).to.equal(200);
      expect(page.body).to.match(/<script[^>]+src="\/mfa\/static\//);
      expect(page.body).to.include('name="fg_csrf"');
      const css = await send(`${s.url}/mfa/static/factorgate.css`);
      expect(css.status).to.equal(200);
      expect(s.gateway.requestsSeen().map((r) => r.target)).to.deep.equal(['/vpn/index.html']);
    });

    it('factorgate believes the client address the edge gives, and no X-Forwarded-For a client sends itself', async () => {
      const spoofed = { 'X-Forwarded-For': '203.0.113.9', 'Content-Type': 'application/x-www-form-urlencoded' };
      const refusedFrom = async (url: string) => {
        const mark = s.front.mark();
        // No form token: factorgate refuses the post and logs the client address it settled on.
        const reply = await send(`${url}/mfa/login`, { method: 'POST', headers: spoofed, body: 'login=alice&passwd=x', localAddress: '127.0.0.2' });
        expect(reply.status).to.equal(403);
        return (await s.front.line(mark, (l) => l.event === 'request_refused'))?.clientIp;
      };
      expect(await refusedFrom(s.url), 'through the edge').to.equal('127.0.0.2');
      expect(await refusedFrom(s.fg.url), 'straight to factorgate, from an address not in trustProxy').to.equal('127.0.0.2');
    });

    it('the gateway gets the client\'s address, never what the client claimed, nor the shared secret header or Forwarded', async () => {
      const reply = await send(`${s.url}/echo`, {
        headers: { 'X-Forwarded-For': '203.0.113.9', Forwarded: 'for=203.0.113.9', 'X-Factorgate-Secret': 'forged-by-a-client' },
        localAddress: '127.0.0.2',
      });
      const { headers } = JSON.parse(reply.body) as { headers: Record<string, string> };
      expect(headers['x-forwarded-for']).to.equal('127.0.0.2');
      expect(headers).not.to.have.property('forwarded');
      expect(headers).not.to.have.property('x-factorgate-secret');
    });

    it('below the login page, where a browser sends the refusal note, the gateway gets its own cookies and none of factorgate\'s', async () => {
      const reply = await send(`${s.url}/vpn/index.html/x`, { headers: { Cookie: COOKIE_HEADER } });
      expect(reply.status).to.be.below(500);
      const seen = s.gateway.requestsSeen();
      expect(seen.map((r) => r.target)).to.deep.equal(['/vpn/index.html/x']);
      expect(seen[0]!.cookie).to.equal('NSC_TMAS=gateway-own');
    });

    it('a large body reaches the gateway whole', async () => {
      const body = Buffer.alloc(20 * 1024 * 1024, 'a');
      const reply = await send(`${s.url}/echo`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body });
      expect(reply.status).to.equal(200);
      expect(JSON.parse(reply.body)).to.include({ bodyLength: body.length });
    });

    it('a WebSocket to the gateway opens and carries messages both ways', async () => {
      const ws = new WebSocket(`${s.url.replace(/^http/, 'ws')}/ws`);
      await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
      const echoed = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
      ws.send('over the edge');
      expect(await echoed).to.equal('over the edge');
      ws.terminate();
    });

    it('a request refused at the edge never reaches factorgate or the gateway, and its log line has no query', async () => {
      const mark = s.front.mark();
      const reply = await rawRequest(s.url, rawPost('/cgi/login?passwd=in-the-query', 'login=alice&passwd=in-the-body'));
      expect(reply).to.match(/^HTTP\/1\.1 403 /);
      expect(reply).to.match(/^Cache-Control: no-store/im);
      const line = await s.front.line(mark, (l) => l.event === 'guarded_target_refused');
      expect(line).to.include({ edge: kind, method: 'POST', path: '/cgi/login', status: 403, clientIp: '127.0.0.1' });
      expect(JSON.stringify(s.front.linesSince(mark))).not.to.include('in-the-');
      expect(s.logs.lines.slice(mark.factorgate)).to.deep.equal([]);
      expect(s.gateway.requestsSeen()).to.deep.equal([]);
    });
  });

  describe(`edge mode through ${kind}: the configuration follows factorgate's`, function () {
    this.timeout(30_000);

    it('guards gateway.guardedPaths and the login target; /nf/auth only while it is listed', async () => {
      const s = await startLenientStack(kind, { gateway: { guardedPaths: ['/logon/auth'] } });
      try {
        for (const target of ['/Logon/Auth/x', '/logon;x/auth', '/cgi/login']) {
          const reply = await rawRequest(s.url, rawPost(target, 'login=alice&passwd=alice-pw-1'));
          expect(reply, target).to.match(/^HTTP\/1\.1 403 /);
        }
        expect(s.gateway.requestsSeen()).to.deep.equal([]);
        await rawRequest(s.url, `GET /nf/auth/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        expect(s.gateway.requestsSeen().map((r) => r.target)).to.deep.equal(['/nf/auth/x']);
      } finally {
        await s.close();
      }
    });

    it('with --certificate, serves TLS with that certificate', async () => {
      const s = await startLenientStack();
      const dir = mkdtempSync(join(tmpdir(), 'fg-edge-tls-'));
      try {
        execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
        // HAProxy takes one PEM file with the certificate and its key.
        const pem = join(dir, 'both.pem');
        execFileSync('sh', ['-c', `cat "${join(dir, 'cert.pem')}" "${join(dir, 'key.pem')}" > "${pem}"`]);
        const tls = kind === 'nginx' ? { certificate: join(dir, 'cert.pem'), certificateKey: join(dir, 'key.pem') } : { certificate: pem };
        const edge = await startEdgeProxy(kind, { ...s.config, trustProxy: ['127.0.0.1'] }, { factorgateUrl: s.fg.url, ...tls });
        try {
          const reply = await send(`${edge.url}/echo`, { ca: readFileSync(join(dir, 'cert.pem')) });
          expect(edge.url).to.match(/^https:/);
          expect(JSON.parse(reply.body).headers['x-forwarded-proto']).to.equal('https');
        } finally {
          await edge.stop();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await s.close();
      }
    });
  });
}

