import { expect } from 'chai';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { startFactorgate, type RunningFactorgate } from '../../src/factorgate.js';
import { MAX_LOGIN_PAGE_BYTES } from '../../src/proxy/login_page/fetch_login_page.js';
import { captureLogs } from '../helpers/log_capture.js';
import { testConfig } from '../helpers/config.js';
import { TestBrowser } from '../helpers/browser.js';
import { LOGIN_PAGE } from '../helpers/gateway_stub.js';
import { closedPortUrl } from '../helpers/harness.js';

// The gateway's login page as factorgate reads and rewrites it: bounded, decoded, its cookies
// untouched; what is not a 200 HTML page passes as it is.

type Page = (res: import('node:http').ServerResponse) => void;

const PAGES: Record<string, Page> = {
  '/plain.html': (res) => {
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8', ETag: '"v1"', 'Set-Cookie': ['gw_lb=abc; Domain=gateway.example; Path=/; Secure', 'gw_lang=en; Path=/'], 'X-Gateway': 'yes',
      'Content-Security-Policy': "default-src 'self' 'unsafe-inline'", 'X-Frame-Options': 'SAMEORIGIN',
    });
    res.end(LOGIN_PAGE);
  },
  '/gzip.html': (res) => {
    const body = gzipSync(LOGIN_PAGE);
    res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Encoding': 'gzip', 'Content-Length': body.length });
    res.end(body);
  },
  '/corrupt.html': (res) => {
    res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Encoding': 'gzip' });
    res.end('this is not gzip at all');
  },
  '/compress.html': (res) => {
    res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Encoding': 'compress' });
    res.end('whatever');
  },
  '/huge.html': (res) => {
    // No Content-Length: the size shows only while reading.
    res.writeHead(200, { 'Content-Type': 'text/html' });
    const chunk = `<p>${'x'.repeat(64 * 1024)}</p>`;
    for (let sent = 0; sent <= MAX_LOGIN_PAGE_BYTES; sent += chunk.length) res.write(chunk);
    res.end(LOGIN_PAGE);
  },
  '/declared-huge.html': (res) => {
    res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': String(MAX_LOGIN_PAGE_BYTES + 1) });
    res.write('<p>the rest never comes');
  },
  '/broken.html': (res) => {
    res.writeHead(503, { 'Content-Type': 'text/plain', 'Content-Length': '1000' });
    res.write('the gateway breaks off here');
    setTimeout(() => res.destroy(), 50);
  },
  '/stalled.html': (res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.write('<p>the rest never comes');
  },
  '/silent.html': () => undefined,
  '/moved.html': (res) => {
    res.writeHead(302, { Location: '/elsewhere.html', 'Set-Cookie': 'gw_moved=1; Domain=gateway.example; Path=/' });
    res.end();
  },
};

describe('the gateway login page, read and rewritten', () => {
  let gateway: Server;
  let seen: IncomingHttpHeaders[];
  let fg: RunningFactorgate | undefined;
  let logs: ReturnType<typeof captureLogs>;

  before(async () => {
    gateway = createServer((req, res) => {
      seen.push(req.headers);
      const page = PAGES[new URL(req.url ?? '/', 'http://gw').pathname];
      if (page) return page(res);
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    gateway.closeAllConnections();
    await new Promise((resolve) => gateway.close(resolve));
  });
  beforeEach(() => { seen = []; });
  afterEach(async () => { await fg?.close(); fg = undefined; });

  async function pageAt(path: string, gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`, timeoutMs = 5000): Promise<TestBrowser> {
    logs = captureLogs();
    fg = await startFactorgate(testConfig(gatewayUrl, { gateway: { loginPage: path, timeoutMs } }), { logger: logs.logger });
    return new TestBrowser(fg.url);
  }

  it('injects the form token, passes the gateway\'s cookies and headers untouched and asks for an unencoded page', async () => {
    const browser = await pageAt('/plain.html');
    const page = await browser.get('/plain.html', { 'Accept-Encoding': 'gzip, br', 'If-None-Match': '"v1"' });
    expect(page.status).to.equal(200);
    expect(TestBrowser.formToken(page.body)).to.be.a('string');
    expect(page.body).to.include('action="/mfa/login"');
    expect(page.setCookies).to.include('gw_lb=abc; Domain=gateway.example; Path=/; Secure');
    expect(page.setCookies).to.include('gw_lang=en; Path=/');
    expect(page.setCookies.some((c) => c.startsWith('fg_csrf='))).to.equal(true);
    expect(page.headers.get('x-gateway')).to.equal('yes');
    expect(page.headers.get('etag')).to.equal(null);
    expect(page.headers.get('cache-control')).to.equal('no-store');
    expect(Number(page.headers.get('content-length'))).to.equal(Buffer.byteLength(page.body));
    expect(seen[0]!['accept-encoding']).to.equal('identity');
    expect(seen[0]!['if-none-match']).to.equal(undefined);
  });

  it('may not be framed or sniffed: X-Frame-Options, a second CSP that only adds frame-ancestors, nosniff', async () => {
    const browser = await pageAt('/plain.html');
    const page = await browser.get('/plain.html');
    expect(page.headers.get('x-frame-options')).to.equal('DENY');
    expect(page.headers.get('content-security-policy')).to.equal("default-src 'self' 'unsafe-inline', frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).to.equal('nosniff');
  });

  it('decodes a page the gateway compresses anyway', async () => {
    const browser = await pageAt('/gzip.html');
    const page = await browser.get('/gzip.html');
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-encoding')).to.equal(null);
    expect(TestBrowser.formToken(page.body)).to.be.a('string');
    expect(page.body).to.include('<input type="password" name="passwd">');
  });

  for (const [path, cause] of [['/huge.html', 'too_large'], ['/declared-huge.html', 'too_large'], ['/corrupt.html', 'bad_encoding'], ['/compress.html', 'unsupported_encoding']] as const) {
    it(`refuses ${path.slice(1)} with a page that says what to do, and one log line (${cause})`, async () => {
      const browser = await pageAt(path);
      const page = await browser.get(path);
      expect(page.status).to.equal(502);
      expect(page.body).to.include('The gateway is not answering right now. Try again in a few minutes.');
      expect(page.body).not.to.include('fg_csrf');
      expect(page.setCookies).to.deep.equal([]);
      const lines = logs.lines.filter((l) => l.event === 'login_page_unreadable');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.include({ cause, limitBytes: MAX_LOGIN_PAGE_BYTES });
    });
  }

  for (const path of ['/stalled.html', '/silent.html']) {
    it(`gives up on ${path.slice(1)} at gateway.timeoutMs with the 502 page and one log line (timeout)`, async () => {
      const browser = await pageAt(path, undefined, 300);
      const page = await browser.get(path);
      expect(page.status).to.equal(502);
      expect(page.body).to.include('The gateway is not answering right now. Try again in a few minutes.');
      expect(page.headers.get('x-frame-options')).to.equal('DENY');
      expect(page.setCookies).to.deep.equal([]);
      const lines = logs.lines.filter((l) => l.event === 'login_page_unreadable');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.include({ cause: 'timeout', timeoutMs: 300 });
    });
  }

  it('answers a gateway that refuses the connection with the 502 page and one log line', async () => {
    const browser = await pageAt('/plain.html', await closedPortUrl());
    const page = await browser.get('/plain.html');
    expect(page.status).to.equal(502);
    expect(page.body).to.include('The gateway is not answering right now. Try again in a few minutes.');
    expect(logs.lines.filter((l) => l.event === 'login_page_unreadable').map((l) => l.cause)).to.deep.equal(['ECONNREFUSED']);
  });

  it('passes a redirect from the login page on as it is, cookies included', async () => {
    const browser = await pageAt('/moved.html');
    const page = await browser.get('/moved.html');
    expect(page.status).to.equal(302);
    expect(page.headers.get('location')).to.equal('/elsewhere.html');
    expect(page.setCookies).to.deep.equal(['gw_moved=1; Domain=gateway.example; Path=/']);
  });

  it('breaks off an answer the gateway breaks off, instead of leaving the browser waiting', async () => {
    const browser = await pageAt('/broken.html');
    const started = Date.now();
    const outcome = await browser.get('/broken.html').then((reply) => `answered ${reply.status}`, (err: Error) => `broken off: ${err.message}`);
    expect(outcome).to.match(/^broken off/);
    expect(Date.now() - started).to.be.below(1500);
  });

  it('answers HEAD with the gateway\'s headers and no rewrite', async () => {
    const browser = await pageAt('/plain.html');
    const page = await browser.request('HEAD', '/plain.html');
    expect(page.status).to.equal(200);
    expect(page.headers.get('x-gateway')).to.equal('yes');
    expect(logs.lines.filter((l) => l.event === 'login_form_not_found')).to.deep.equal([]);
  });
});
