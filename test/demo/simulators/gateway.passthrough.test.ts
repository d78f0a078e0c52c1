import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { createGatewaySimulator, type GatewaySimulator } from '../../../src/demo/simulators/gateway/index.js';
import { send } from './helpers.js';

describe('gateway simulator: pass-through helpers', () => {
  let gateway: GatewaySimulator;
  beforeEach(async () => {
    gateway = createGatewaySimulator({ users: { alice: { password: 'alice-secret-1' } } });
    await gateway.listen();
  });
  afterEach(() => gateway.close());

  const wsUrl = (path: string) => gateway.url.replace(/^http/, 'ws') + path;

  it('GET /echo returns method, url and headers as JSON', async () => {
    const reply = await send(`${gateway.url}/echo?q=1&r=%20`, { headers: { 'X-Test': 'yes' } });
    const echoed = JSON.parse(reply.body);
    expect(echoed.method).to.equal('GET');
    expect(echoed.url).to.equal('/echo?q=1&r=%20');
    expect(echoed.headers['x-test']).to.equal('yes');
  });

  it('POST /echo returns the length and sha256 of a large body', async () => {
    const body = randomBytes(5 * 1024 * 1024 + 3);
    const echoed = JSON.parse((await send(`${gateway.url}/echo`, { method: 'POST', body, headers: { 'Content-Type': 'application/octet-stream' } })).body);
    expect(echoed.method).to.equal('POST');
    expect(echoed.bodyLength).to.equal(body.length);
    expect(echoed.sha256).to.equal(createHash('sha256').update(body).digest('hex'));
  });

  it('GET /redirect answers 302 to /portal/ with another cookie', async () => {
    const reply = await send(`${gateway.url}/redirect`);
    expect(reply.status).to.equal(302);
    expect(reply.headers.get('location')).to.equal('/portal/');
    expect(reply.headers.getSetCookie()).to.deep.equal(['other=1; Path=/']);
  });

  it('/ws echoes WebSocket messages, text and binary', async () => {
    const ws = new WebSocket(wsUrl('/ws'));
    const received: Array<{ data: string; binary: boolean }> = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('open', () => {
        ws.send('hello through the gateway');
        ws.send(Buffer.from([0, 1, 2, 255]));
      });
      ws.on('message', (data, binary) => {
        received.push({ data: binary ? (data as Buffer).toString('hex') : data.toString(), binary });
        if (received.length === 2) resolve();
      });
    });
    ws.close();
    expect(received).to.deep.equal([{ data: 'hello through the gateway', binary: false }, { data: '000102ff', binary: true }]);
  });

  it('refuses an upgrade on any other path', async () => {
    const ws = new WebSocket(wsUrl('/other'));
    const status = await new Promise<number | undefined>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
      ws.on('error', () => resolve(undefined));
    });
    expect(status).to.equal(404);
  });

  it('close() does not wait for open WebSockets', async () => {
    const ws = new WebSocket(wsUrl('/ws'));
    await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
    const closed = new Promise((resolve) => ws.on('close', resolve));
    await gateway.close(); // a close that waited for the socket would hang the test
    await closed;
  });
});
