import { expect } from 'chai';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { AnakamScript } from '../helpers/anakam_script.js';

const KEY = '78787878-1111-4e22-8018-e4cf70027375';

describe('operations: request ids and the access log', () => {
  let h: Harness;
  afterEach(async () => { await h.close(); });

  it('every log line of a login request carries its id, which the two-factor server and the client get too', async () => {
    h = await startHarness();
    const script = new AnakamScript().passcodeSent('alice', KEY);
    const sent: unknown[] = [];
    script.scope.on('request', (req: { headers: Record<string, unknown> }) => sent.push(req.headers['x-request-id']));
    const reply = await startLogin(h.browser(), 'alice', 'alice-pw');
    expect(reply.json().status).to.equal('challenge');
    const id = reply.headers.get('x-request-id')!;
    expect(id).to.match(/^[0-9a-f-]{36}$/);
    expect(sent).to.deep.equal([id, id, id]);
    const lines = h.logs.lines.filter((l) => l.event === 'callout');
    expect(lines).to.have.length(3);
    for (const line of lines) expect(line).to.include({ requestId: id, level: 'debug' });
  });

  it('a passed-through request takes its id to the gateway; each request gets its own', async () => {
    h = await startHarness();
    const first = await h.browser().get('/echo');
    const second = await h.browser().get('/echo');
    expect(first.json().headers['x-request-id']).to.equal(first.headers.get('x-request-id'));
    expect(first.headers.get('x-request-id')).not.to.equal(second.headers.get('x-request-id'));
  });

  it('a client may not choose its id; a trusted proxy may hand on a plain one', async () => {
    h = await startHarness();
    const chosen = await h.browser().get('/echo', { 'X-Request-Id': 'chosen-by-the-client-0001' });
    expect(chosen.headers.get('x-request-id')).not.to.equal('chosen-by-the-client-0001');
    await h.close();
    h = await startHarness({ trustProxy: ['127.0.0.1'] });
    const handedOn = await h.browser().get('/echo', { 'X-Request-Id': 'from-the-balancer-0001' });
    expect(handedOn.headers.get('x-request-id')).to.equal('from-the-balancer-0001');
    expect(handedOn.json().headers['x-request-id']).to.equal('from-the-balancer-0001');
    const odd = await h.browser().get('/echo', { 'X-Request-Id': 'has spaces and "quotes"' });
    expect(odd.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('log.access writes one line per request: method, path without the query, status, route, id', async () => {
    h = await startHarness({ log: { access: true } });
    const reply = await h.browser().get('/echo?token=not-for-the-log');
    const access = h.logs.lines.filter((l) => l.event === 'access');
    expect(access).to.have.length(1);
    expect(access[0]).to.include({ level: 'info', method: 'GET', path: '/echo', status: 200, route: 'pass', requestId: reply.headers.get('x-request-id') });
    expect(h.logs.text()).not.to.include('not-for-the-log');
  });

  it('writes no access line unless asked', async () => {
    h = await startHarness();
    await h.browser().get('/echo');
    expect(h.logs.lines.some((l) => l.event === 'access')).to.equal(false);
  });
});
