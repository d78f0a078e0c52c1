import { expect } from 'chai';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startSimulators, type RunningSimulators } from '../../../src/demo/simulators/start.js';
import { createAnakamSimulator } from '../../../src/demo/simulators/anakam/index.js';
import { loadDemoUsers } from '../../../src/demo/simulators/users.js';
import { AnakamApiClient, send } from './helpers.js';
import { freePort } from '../../helpers/processes.js';

describe('startSimulators: both simulators for the demo and end-to-end tests', () => {
  let running: RunningSimulators | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('starts both on free loopback ports with the demo users, and closes both', async () => {
    running = await startSimulators({ anakam: { apiUser: 'demo', apiPassword: 'demo-pw-123' } });
    expect(running.anakamUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(running.gatewayUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(running.anakam.url).to.equal(running.anakamUrl);

    const users = loadDemoUsers();
    const login = await send(`${running.gatewayUrl}/cgi/login`, {
      method: 'POST', body: new URLSearchParams({ login: 'alice', passwd: users.alice!.password }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(login.headers.get('location')).to.equal('/portal/');

    const client = new AnakamApiClient(running.anakam, `Basic ${Buffer.from('demo:demo-pw-123').toString('base64')}`);
    const { sent } = await client.passcodeSent('alice');
    expect(sent.values.get('destination')).to.equal('a***@example.com');
    expect((await client.passcodeSent('carol', 'SMS')).sent.values.get('destination')).to.equal('***-***-9876');

    const { anakamUrl, gatewayUrl } = running;
    await running.close();
    await running.close(); // twice is fine
    for (const url of [anakamUrl, gatewayUrl]) {
      const error = await fetch(`${url}/`).then(() => undefined, (err: Error) => err);
      expect(error, url).to.be.instanceOf(Error);
    }
  });

  it('takes users for both at once', async () => {
    running = await startSimulators({ users: { zed: { password: 'zed-secret-1', phone: '555 0100 4321' } } });
    const client = new AnakamApiClient(running.anakam);
    expect((await client.passcodeSent('zed', 'SMS')).sent.values.get('destination')).to.equal('***-***-4321');
    expect(running.gateway.loginCount('zed')).to.equal(0);
  });

  it('fails when a port is taken, leaving nothing running', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as AddressInfo).port;
    const free = await freePort();
    try {
      const error = await startSimulators({ ports: { anakam: free, gateway: taken } }).then(() => undefined, (err: Error) => err);
      expect((error as NodeJS.ErrnoException | undefined)?.code).to.equal('EADDRINUSE');
      const stillThere = await fetch(`http://127.0.0.1:${free}/outbox.json`).then(() => true, () => false);
      expect(stillThere).to.equal(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('listens on loopback only', async () => {
    const sim = createAnakamSimulator({ users: {} });
    const error = await sim.listen(0, '0.0.0.0').then(() => undefined, (err: Error) => err);
    expect(error?.message).to.match(/loopback only/);
    expect(() => sim.url).to.throw(/not listening/);
  });
});
