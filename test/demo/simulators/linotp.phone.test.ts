import { expect } from 'chai';
import type { LinotpSimulator } from '../../../src/demo/simulators/linotp/index.js';
import { rawGet, type FakeClock } from './helpers.js';
import { DATA, LinotpClient, postForm, send, startLinotp, wrongNumber } from './linotp.helpers.js';

describe('linotp simulator: the phone page', () => {
  let sim: LinotpSimulator;
  let clock: FakeClock;
  let client: LinotpClient;
  beforeEach(async () => ({ sim, clock, client } = await startLinotp()));
  afterEach(() => sim.close());

  const page = async (path = '/phone') => {
    const reply = await send(`${sim.url}${path}`);
    expect(reply.status, path).to.equal(200);
    return reply;
  };
  const section = (html: string, tid: string) => html.slice(html.indexOf(`id="tx-${tid}"`), html.indexOf('</section>', html.indexOf(`id="tx-${tid}"`)));

  it('lists every user\'s open pushes, newest first, with the data, time left, three numbers, Deny and the code', async () => {
    const bob = await client.push('bob', '1234', { number: '42' });
    clock.advance(30_000);
    const dave = await client.push('dave', '4321', { number: '17', data: 'Login as dave' });
    const { body, contentType, headers } = await page();
    expect(contentType).to.match(/^text\/html/);
    expect(headers.get('cache-control')).to.equal('no-store');
    expect(headers.get('content-security-policy')).to.match(/default-src 'none'/).and.match(/form-action 'self'/);
    expect(body).to.include('<meta http-equiv="refresh" content="2; url=/phone">');
    expect(body.indexOf(`tx-${dave}`)).to.be.greaterThan(0).and.lessThan(body.indexOf(`tx-${bob}`));

    const own = section(body, bob);
    expect(own).to.include(DATA).and.include('Expires in 90 s').and.include(`Or type this code: <strong>${sim.codeFor(bob)}</strong>`);
    expect(own).to.include(`<form method="post" action="/phone/${bob}/accept"`).and.include(`<form method="post" action="/phone/${bob}/deny"`);
    const buttons = [...own.matchAll(/name="number" value="(\d+)"/g)].map((m) => Number(m[1]));
    expect(buttons).to.have.length(3).and.include(42);
    expect(new Set(buttons).size).to.equal(3);
    expect(buttons).to.deep.equal(sim.pending('bob')[0]!.choices);
    expect(section(body, dave)).to.include('Login as dave').and.include('Expires in 120 s');
  });

  it('GET /phone/{user} lists that user\'s pushes only', async () => {
    const bob = await client.push();
    const dave = await client.push('dave', '4321');
    const { body } = await page('/phone/bob');
    expect(body).to.include(`tx-${bob}`).and.not.include(`tx-${dave}`);
    expect(body).to.include('<meta http-equiv="refresh" content="2; url=/phone/bob">');
    expect((await page('/phone/nobody')).body).to.match(/No pending login requests for nobody/);
  });

  it('escapes hostile data (and the page allows no script anyway)', async () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
    const tid = await client.push('bob', '1234', { data: hostile });
    const { body, headers } = await page();
    expect(body).to.not.include('<script>').and.not.include('<img');
    expect(section(body, tid)).to.include('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;');
    expect(headers.get('content-security-policy')).to.not.match(/script-src/);
    expect(sim.pending('bob')[0]!.data).to.equal(hostile);
    expect((await page('/phone?result=%3Cscript%3E')).body).to.not.include('<script>');
  });

  it('offers two distinct decoys in 10..99 beside the right number, in random order, fixed per push', async () => {
    const positions = new Set<number>();
    for (let i = 0; i < 30; i += 1) {
      const number = 10 + ((i * 7) % 90);
      const tid = await client.push('bob', '1234', { number: String(number) });
      const { choices } = sim.transactions()[0]!;
      expect(choices, tid).to.have.length(3).and.include(number);
      expect(new Set(choices).size).to.equal(3);
      for (const n of choices) expect(n).to.be.within(10, 99);
      positions.add(choices.indexOf(number));
    }
    expect(positions.size).to.be.greaterThan(1);
    const first = await send(`${sim.url}/phone.json`);
    const second = await send(`${sim.url}/phone.json`);
    expect(first.json).to.deep.equal(second.json);
  });

  it('GET /phone.json shows what the phone shows, not which number is right', async () => {
    const tid = await client.push();
    clock.advance(1_500);
    const reply = await send(`${sim.url}/phone.json`);
    expect(reply.headers.get('cache-control')).to.equal('no-store');
    const [entry] = reply.json.transactions;
    expect(entry).to.have.all.keys('transactionid', 'user', 'serial', 'data', 'choices', 'code', 'createdAt', 'expiresAt', 'secondsLeft');
    expect(entry).to.deep.include({ transactionid: tid, user: 'bob', serial: 'PUSH0001', data: DATA, code: sim.codeFor(tid), secondsLeft: 119 });
    expect(sim.phone()).to.deep.equal(reply.json.transactions);
  });

  it('Allow with the right number accepts and redirects back (303), to the page it came from', async () => {
    const tid = await client.push();
    const reply = await postForm(sim.url, `/phone/${tid}/accept`, { number: '42', view: 'all' });
    expect(reply.status).to.equal(303);
    expect(reply.headers.get('location')).to.equal('/phone?result=accepted');
    expect(await client.statusOf(tid)).to.include({ status: 'closed', valid_tan: true, accept: true });
    expect((await page('/phone?result=accepted')).body).to.include('Allowed: the login goes ahead.').and.not.include(`tx-${tid}`);

    const other = await client.push();
    const fromUserPage = await postForm(sim.url, `/phone/${other}/accept`, { number: '42', view: 'user' });
    expect(fromUserPage.headers.get('location')).to.equal('/phone/bob?result=accepted');
  });

  it('a wrong number rejects the push', async () => {
    const tid = await client.push();
    const reply = await postForm(sim.url, `/phone/${tid}/accept`, { number: String(wrongNumber(42)), view: 'all' });
    expect(reply.headers.get('location')).to.equal('/phone?result=rejected');
    expect(await client.statusOf(tid)).to.include({ status: 'closed', valid_tan: false, reject: true });
    expect((await postForm(sim.url, `/phone/${tid}/accept`, { number: '42' })).headers.get('location')).to.equal('/phone?result=closed');
  });

  it('Deny rejects the push', async () => {
    const tid = await client.push();
    const reply = await postForm(sim.url, `/phone/${tid}/deny`, { view: 'user' });
    expect([reply.status, reply.headers.get('location')]).to.deep.equal([303, '/phone/bob?result=denied']);
    expect(await client.statusOf(tid)).to.include({ status: 'closed', reject: true, message: 'denied on the phone' });
  });

  it('changes nothing for a missing or malformed number', async () => {
    const tid = await client.push();
    for (const fields of [{}, { number: '' }, { number: '4' }, { number: 'abc' }] as Array<Record<string, string>>) {
      expect((await postForm(sim.url, `/phone/${tid}/accept`, fields)).headers.get('location'), JSON.stringify(fields)).to.equal('/phone?result=number');
    }
    expect(await client.statusOf(tid)).to.include({ status: 'open', received_count: 0 });
  });

  it('refuses Allow and Deny on an expired push, which stays open for check_status', async () => {
    const tid = await client.push();
    clock.advance(120_000);
    expect((await page()).body).to.not.include(`tx-${tid}`);
    expect((await postForm(sim.url, `/phone/${tid}/accept`, { number: '42' })).headers.get('location')).to.equal('/phone?result=expired');
    expect((await postForm(sim.url, `/phone/${tid}/deny`, {})).headers.get('location')).to.equal('/phone?result=expired');
    expect((await client.statusOf(tid)).status).to.equal('open');
  });

  it('answers an unknown transaction with ?result=unknown', async () => {
    expect((await postForm(sim.url, '/phone/123456789012/accept', { number: '42' })).headers.get('location')).to.equal('/phone?result=unknown');
    expect((await postForm(sim.url, '/phone/nope/deny', { view: 'user' })).headers.get('location')).to.equal('/phone?result=unknown');
  });

  it('shows one Allow button for a push without a number, and takes it', async () => {
    const reply = await client.check({ user: 'bob', pass: '1234', data: DATA, content_type: '0' });
    const tid = reply.json.detail.transactionid;
    const own = section((await page()).body, tid);
    expect(own).to.include('class="allow">Allow</button>').and.not.include('name="number"');
    expect((await postForm(sim.url, `/phone/${tid}/accept`, {})).headers.get('location')).to.equal('/phone?result=accepted');
  });

  it('answers only on a loopback Host, and takes posts only from its own origin', async () => {
    const tid = await client.push();
    expect((await rawGet(`${sim.url}/phone`, { Host: 'rebound.example' })).status).to.equal(403);
    const crossSite = await send(`${sim.url}/phone/${tid}/accept`, {
      method: 'POST', body: new URLSearchParams({ number: '42' }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://evil.example' },
    });
    expect(crossSite.status).to.equal(403);
    expect((await client.statusOf(tid)).status).to.equal('open');
  });

  it('redirects / to the phone page', async () => {
    expect((await send(`${sim.url}/`)).headers.get('location')).to.equal('/phone');
  });
});
