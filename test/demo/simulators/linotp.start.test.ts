import { expect } from 'chai';
import { createServer, type AddressInfo } from 'node:net';
import { createLinotpSimulator } from '../../../src/demo/simulators/linotp/index.js';
import { startSimulators, type RunningSimulators } from '../../../src/demo/simulators/start.js';
import { loadDemoUsers, parseDemoUsers } from '../../../src/demo/simulators/users.js';
import { DATA, LinotpClient } from './linotp.helpers.js';
import { freePort } from '../../helpers/processes.js';

describe('startSimulators: the LinOTP simulator is the third one', () => {
  let running: RunningSimulators | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('starts it on a free loopback port with the demo users (bob and dave have push tokens), and closes all three', async () => {
    running = await startSimulators();
    expect(running.linotpUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(running.linotp.url).to.equal(running.linotpUrl);
    expect(new Set([running.anakamUrl, running.gatewayUrl, running.linotpUrl]).size).to.equal(3);

    const client = new LinotpClient(running.linotpUrl);
    const bob = await client.check({ user: 'bob', pass: '1234', data: DATA, content_type: '0', number: '42' });
    expect(bob.json.detail.linotp_tokenserial).to.equal('PUSH0001');
    const dave = await client.check({ user: 'dave', pass: '4321', data: DATA, content_type: '0', number: '17' });
    expect(dave.json.detail.linotp_tokenserial).to.equal('PUSH0002');
    expect((await client.check({ user: 'alice', pass: '', data: DATA, content_type: '0' })).json.detail).to.deep.equal({ message: 'wrong otp pin' });
    expect(running.linotp.approve(dave.json.detail.transactionid, 17)).to.equal('accepted');

    const urls = [running.anakamUrl, running.gatewayUrl, running.linotpUrl];
    await running.close();
    await running.close(); // twice is fine
    for (const url of urls) {
      const error = await fetch(`${url}/`).then(() => undefined, (err: Error) => err);
      expect(error, url).to.be.instanceOf(Error);
    }
  });

  it('passes linotp options through, and shares the users: otppin 1 takes the gateway password', async () => {
    running = await startSimulators({ linotp: { otppin: 1 } });
    const client = new LinotpClient(running.linotpUrl);
    expect((await client.push('dave', 'dave-demo-pw')).length).to.equal(12);
    const login = await fetch(`${running.gatewayUrl}/cgi/login`, {
      method: 'POST', redirect: 'manual', body: new URLSearchParams({ login: 'dave', passwd: 'dave-demo-pw' }),
    });
    expect(login.headers.get('location')).to.equal('/portal/');
  });

  it('takes users for all three at once', async () => {
    running = await startSimulators({ users: { zed: { password: 'zed-secret-1', email: 'zed@example.com', push: { pin: '9999' } } } });
    expect((await new LinotpClient(running.linotpUrl).push('zed', '9999')).length).to.equal(12);
    expect(running.linotp.pending('zed')).to.have.length(1);
  });

  it('fails when the LinOTP port is taken, leaving nothing running', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as AddressInfo).port;
    const free = await freePort();
    try {
      const error = await startSimulators({ ports: { anakam: free, linotp: taken } }).then(() => undefined, (err: Error) => err);
      expect((error as NodeJS.ErrnoException | undefined)?.code).to.equal('EADDRINUSE');
      expect(await fetch(`http://127.0.0.1:${free}/outbox.json`).then(() => true, () => false)).to.equal(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('listens on loopback only', async () => {
    const sim = createLinotpSimulator({ users: {} });
    const error = await sim.listen(0, '0.0.0.0').then(() => undefined, (err: Error) => err);
    expect(error?.message).to.match(/loopback only/);
    expect(() => sim.url).to.throw(/not listening/);
  });
});

describe('demo users: push tokens for the LinOTP simulator', () => {
  it('gives bob (PIN 1234) and dave (PIN 4321) a push token, and nobody else', () => {
    const users = loadDemoUsers();
    expect(users.bob!.push).to.deep.equal({ pin: '1234' });
    expect(users.dave).to.deep.equal({ password: 'dave-demo-pw', email: 'dave@example.com', push: { pin: '4321' } });
    expect(Object.entries(users).filter(([, u]) => u.push).map(([name]) => name)).to.deep.equal(['bob', 'dave']);
  });

  it('reports a bad push token by its dotted path', () => {
    const text = `users:
  erin: { password: long-enough-pw, push: { pin: 12 } }
  frank: { password: long-enough-pw, push: { pin: "12" } }
  gina: { password: long-enough-pw, push: { pin: "1234", serial: X } }
`;
    const message = (() => {
      try {
        parseDemoUsers(text, 't.yaml');
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    for (const path of ['users.erin.push.pin', 'users.frank.push.pin', 'users.gina.push']) expect(message).to.include(`  ${path}`);
  });
});
