import { expect } from 'chai';
import { createServer, type Server } from 'node:net';
import { startFactorgate, StartError } from '../../src/factorgate.js';
import { testConfig } from '../helpers/config.js';
import { captureLogs } from '../helpers/log_capture.js';
import { startGatewayStub, type GatewayStub } from '../helpers/gateway_stub.js';
import { startHarness, closedPortUrl, type Harness } from '../helpers/harness.js';
import { freePort } from '../helpers/processes.js';

describe('operations: start-up says what an administrator must fix', () => {
  let h: Harness | undefined;
  let gateway: GatewayStub | undefined;
  let blocker: Server | undefined;
  afterEach(async () => {
    await h?.close();
    await gateway?.close();
    blocker?.close();
    h = gateway = blocker = undefined;
  });

  const occupied = async (): Promise<number> => {
    const port = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(port, '127.0.0.1', resolve));
    return port;
  };

  it('warns, naming gateway.url, when the gateway cannot be reached, and serves all the same', async () => {
    const url = await closedPortUrl();
    h = await startHarness({ gateway: { url } });
    const warning = h.logs.lines.find((l) => l.event === 'gateway_unreachable');
    expect(warning).to.include({ level: 'warn', gateway: url, setting: 'gateway.url', reason: 'ECONNREFUSED' });
    expect(h.logs.lines.findIndex((l) => l.event === 'gateway_unreachable')).to.be.lessThan(h.logs.lines.findIndex((l) => l.event === 'listening'));
    expect((await h.browser().get('/healthz')).status).to.equal(200);
  });

  it('says nothing of the kind when the gateway answers', async () => {
    h = await startHarness();
    expect(h.logs.lines.some((l) => l.event === 'gateway_unreachable')).to.equal(false);
  });

  it('a busy port names the setting to change', async () => {
    gateway = await startGatewayStub();
    const port = await occupied();
    const logs = captureLogs();
    const started = startFactorgate(testConfig(gateway.url, { listen: { port } }), { logger: logs.logger });
    const err = await started.then(() => expect.fail('started on a busy port'), (e: unknown) => e);
    expect(err).to.be.instanceOf(StartError);
    expect((err as Error).message).to.equal(`127.0.0.1:${port} is already in use by another program: change listen.port (FACTORGATE_LISTEN_PORT), or stop that program`);
  });

  it('a busy metrics port names metrics.port, and the main port is let go again', async () => {
    gateway = await startGatewayStub();
    const port = await occupied();
    const main = await freePort();
    const logs = captureLogs();
    const err = await startFactorgate(testConfig(gateway.url, { listen: { port: main }, metrics: { port } }), { logger: logs.logger }).then(() => undefined, (e: unknown) => e);
    expect((err as Error).message).to.match(/change metrics\.port \(FACTORGATE_METRICS_PORT\)/);
    // Nothing is left listening: the same configuration with a free metrics port starts.
    h = undefined;
    const fg = await startFactorgate(testConfig(gateway.url, { listen: { port: main }, metrics: { port: 0 } }), { logger: logs.logger });
    await fg.close();
  });

  it('warns at start on a Node.js past its end of life, and only then', async () => {
    h = await startHarness();
    const warned = h.logs.lines.some((l) => l.event === 'node_end_of_life' && l.node === process.versions.node);
    expect(warned).to.equal(Number(process.versions.node.split('.')[0]) < 22);
  });

  it('writes a line when it stops, and one when it has stopped', async () => {
    h = await startHarness();
    await h.fg.close();
    const events = h.logs.lines.map((l) => l.event);
    expect(events.slice(-2)).to.deep.equal(['stopping', 'stopped']);
  });
});
