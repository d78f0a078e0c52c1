import { expect } from 'chai';
import nock from 'nock';
import { ConfigError } from '../../src/config/load.js';
import { linotpClientFor } from '../../src/providers/linotp/client_for.js';
import { linotpConfigSchema } from '../../src/providers/linotp/config.js';
import { captureLogs } from '../helpers/log_capture.js';

// The one place the LinOTP client is built from the `linotp` section (src/providers/linotp/
// client_for.ts): the running factorgate and `factorgate admin` both take it from here, so what
// the section says reaches the client, whoever builds it.

const A = 'http://linotp-a.test';
const B = 'http://linotp-b.test';
const PUSH = { user: 'alice', pass: 'pw-not-for-logs', data: 'Login to vpn.example.net', number: 42 };
const started = { result: { status: true, value: false }, detail: { transactionid: '353846450659', linotp_tokenserial: 'PUSH0001', message: 'push sent' } };

describe('linotpClientFor: the LinOTP client as the linotp section configures it', () => {
  const logs = captureLogs();
  afterEach(() => nock.cleanAll());

  it('no linotp section: no client', () => {
    expect(linotpClientFor(undefined, { logger: logs.logger, now: Date.now })).to.equal(undefined);
  });

  it('every server of linotp.urls, in order: a 503 from the first is failed over to the second, and each callout is reported', async () => {
    nock(A).post('/validate/check').reply(503, '');
    nock(B).post('/validate/check').reply(200, started);
    const calls: string[] = [];
    const client = linotpClientFor(linotpConfigSchema.parse({ urls: [A, B] }), { logger: logs.logger, now: Date.now, onCallout: (command, outcome) => calls.push(`${command} ${outcome}`) });
    try {
      expect(await client!.startPush(PUSH, Date.now() + 10_000)).to.deep.equal({ kind: 'started', transactionId: '353846450659' });
      expect(calls).to.deep.equal(['start_push 5xx', 'start_push 2xx']);
      expect(nock.isDone()).to.equal(true);
    } finally {
      client?.close();
    }
  });

  it('linotp.tls: a CA file that cannot be read stops the build, naming the setting', () => {
    const section = linotpConfigSchema.parse({ urls: ['https://linotp.test'], tls: { caFile: '/nonexistent/linotp-ca.pem' } });
    expect(() => linotpClientFor(section, { logger: logs.logger, now: Date.now })).to.throw(ConfigError, 'linotp.tls.caFile');
  });
});
