import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { startHarness, type Harness } from '../helpers/harness.js';

describe('pass-through to the gateway', () => {
  let h: Harness;
  beforeEach(async () => { h = await startHarness(); });
  afterEach(async () => { await h.close(); });

  it('forwards requests with X-Forwarded-For, -Proto and -Host, and returns the gateway cookies as they are', async () => {
    const reply = await h.browser().get('/echo?q=1', { 'X-Forwarded-For': '6.6.6.6', 'X-Forwarded-Host': 'evil.example' });
    const echoed = reply.json();
    expect(echoed.url).to.equal('/echo?q=1');
    expect(echoed.headers['x-forwarded-for']).to.equal('127.0.0.1');
    expect(echoed.headers['x-forwarded-proto']).to.equal('http');
    expect(echoed.headers['x-forwarded-host']).to.equal(new URL(h.fg.url).host);
    expect(reply.setCookies).to.deep.equal(['echo=1; Path=/']);
  });

  it('keeps forwarding headers from a trusted proxy', async () => {
    await h.close();
    h = await startHarness({ trustProxy: ['127.0.0.1'] });
    const echoed = (await h.browser().get('/echo', { 'X-Forwarded-For': '10.1.2.3' })).json();
    expect(echoed.headers['x-forwarded-for']).to.equal('10.1.2.3,127.0.0.1');
  });

  it('leaves redirects and their cookies alone', async () => {
    const reply = await h.browser().get('/redirect');
    expect(reply.status).to.equal(302);
    expect(reply.headers.get('location')).to.equal('http://gateway.internal/vpn/portal.html');
    expect(reply.setCookies).to.deep.equal(['a=1; Path=/; HttpOnly', 'b=2; Path=/vpn']);
  });

  it('streams a large body through unchanged', async () => {
    const body = randomBytes(3 * 1024 * 1024);
    const res = await fetch(`${h.fg.url}/echo`, { method: 'POST', body, headers: { 'Content-Type': 'application/octet-stream' } });
    expect(((await res.json()) as { bodyLength: number }).bodyLength).to.equal(body.length);
    expect(createHash('sha256').update(body).digest('hex')).to.have.length(64);
  });

  it('passes a WebSocket upgrade on and carries its bytes both ways', async () => {
    const echoed = await new Promise<string>((resolve, reject) => {
      const req = request(`${h.fg.url}/ws`, { headers: { Connection: 'Upgrade', Upgrade: 'websocket' } });
      req.on('upgrade', (_res, socket) => {
        socket.write('ping-through-factorgate');
        socket.once('data', (data) => { resolve(data.toString()); socket.destroy(); });
      });
      req.on('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
      req.on('error', reject);
      req.end();
    });
    expect(echoed).to.equal('ping-through-factorgate');
  });

  it('answers 502 with the styled failure page when the gateway is down, and keeps serving', async () => {
    await h.gateway.close();
    const reply = await h.browser().get('/echo');
    expect(reply.status).to.equal(502);
    expect(reply.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(reply.body).to.include('<link rel="stylesheet" href="/mfa/static/factorgate.css">').and.include('<main class="fg-card">')
      .and.include('The gateway is not answering').and.include('<a class="fg-button" href="/vpn/index.html">Try again from the login page</a>');
    expect(h.logs.lines.some((l) => l.event === 'passthrough_error')).to.equal(true);
    expect((await h.browser().get('/healthz')).status).to.equal(200);
  });

  it('GET /healthz answers 200 from factorgate itself', async () => {
    const reply = await h.browser().get('/healthz');
    expect(reply.json()).to.deep.equal({ status: 'ok' });
  });

  it('unknown /mfa paths are factorgate\'s 404, never the gateway\'s', async () => {
    const reply = await h.browser().get('/mfa/nothing');
    expect(reply.status).to.equal(404);
    expect(reply.body).to.include('There is nothing here');
  });
});
