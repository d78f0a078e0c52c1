import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import nock from 'nock';
import { ConfigError } from '../../src/config/load.js';
import { FactorgateError, type ErrorCode } from '../../src/errors.js';
import { LinotpClient } from '../../src/providers/linotp/client.js';
import { linotpConfigSchema, type LinotpConfigInput } from '../../src/providers/linotp/config.js';
import { captureLogs } from '../helpers/log_capture.js';
import { closedPortUrl } from '../helpers/harness.js';

const A = 'http://linotp-a.test';
const B = 'http://linotp-b.test';
const TID = '353846450659';
const PASS = 'pw-Never-In-Logs-7731';
const CODE = '918273';
const PUSH = { user: 'alice', pass: PASS, data: 'Login to vpn.example.net from 192.0.2.10', number: 42 };
const STATUS = { user: 'alice', pass: PASS, transactionId: TID };
const later = () => Date.now() + 10_000;

type Calls = Array<{ command: string; outcome: string }>;

function client(config: Partial<LinotpConfigInput> = {}, logs = captureLogs()) {
  const calls: Calls = [];
  const linotp = new LinotpClient({
    ...linotpConfigSchema.parse({ urls: [A], timeoutMs: 1000, maxSockets: 2, ...config }),
    logger: logs.logger,
    now: () => Date.now(),
    onCallout: (command, outcome) => calls.push({ command, outcome }),
  });
  return { linotp, calls, logs };
}

async function failure(promise: Promise<unknown>, code: ErrorCode): Promise<FactorgateError> {
  try {
    await promise;
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(FactorgateError);
    expect((err as FactorgateError).code, (err as FactorgateError).detail).to.equal(code);
    return err as FactorgateError;
  }
  throw new Error(`expected a FactorgateError ${code}`);
}

const started = (tid: unknown = TID) => ({
  version: 'LinOTP 2.9.1.3', jsonrpc: '2.0802', id: 0,
  result: { status: true, value: false },
  detail: { transactionid: tid, linotp_tokenserial: 'PUSH0001', linotp_tokentype: 'push', message: 'push sent' },
});
const refused = (message = 'wrong otp pin') => ({ result: { status: true, value: false }, detail: { message } });
const serverError = (message = 'validate/check failed') => ({ result: { status: false, error: { code: -311, message } } });
const verdict = (value: boolean) => ({ result: { status: true, value } });
const statusReply = (tx: Record<string, unknown>, tid = TID) => ({
  result: { status: true, value: true },
  detail: { transactions: { [tid]: { received_tan: true, received_count: 1, message: '', ...tx } } },
});

// One wrapper: hooks at file level would be root hooks for every suite in the run.
describe('LinOTP provider', () => {
  // As the harness does: nothing leaves the machine, local servers (closed port, HTTPS) are reachable.
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  });
  afterEach(() => nock.cleanAll());

  describe('LinOTP config', () => {
    it('fills every default from one URL', () => {
      expect(linotpConfigSchema.parse({ urls: [A] })).to.deep.equal({
        urls: [A], otppin: 1, timeoutMs: 5000, maxSockets: 16, tls: { rejectUnauthorized: true },
        challengeValiditySeconds: 120, withdrawPushes: false, pollIntervalMs: 1000, pollMaxIntervalMs: 5000,
      });
    });

    it('reports every problem at once, cross-field checks included, by path', () => {
      const result = linotpConfigSchema.safeParse({
        urls: ['ftp://linotp.example'], otppin: 3, challengeValiditySeconds: 60,
        pollIntervalMs: 2000, pollMaxIntervalMs: 1000, tls: { certFile: '/etc/fg/client.pem', caFile: '/etc/fg/ca.pem', rejectUnauthorized: false },
      });
      expect(result.success).to.equal(false);
      const paths = result.error!.issues.map((issue) => issue.path.join('.'));
      expect(paths).to.have.members(['urls.0', 'otppin', 'pollMaxIntervalMs', 'tls.keyFile', 'tls.rejectUnauthorized']);
    });

    it('refuses no URL at all and a challenge validity beyond 600 s', () => {
      const paths = linotpConfigSchema.safeParse({ urls: [], challengeValiditySeconds: 601 }).error!.issues.map((i) => i.path.join('.'));
      expect(paths).to.have.members(['urls', 'challengeValiditySeconds']);
    });
  });

  describe('LinOTP client: starting a push', () => {
    it('posts user, pass, data, content_type=0 and the number, and returns the transaction', async () => {
      let form: Record<string, string> = {};
      nock(A).post('/validate/check', (body: Record<string, string>) => { form = body; return true; }).reply(200, started());
      const { linotp, calls } = client();
      expect(await linotp.startPush(PUSH, later())).to.deep.equal({ kind: 'started', transactionId: TID });
      expect(form).to.deep.equal({ user: 'alice', pass: PASS, data: PUSH.data, content_type: '0', number: '42' });
      expect(calls).to.deep.equal([{ command: 'start_push', outcome: '2xx' }]);
    });

    it('maps "no push token or wrong PIN" (no transaction id) to refused, with the message cut short', async () => {
      nock(A).post('/validate/check').reply(200, refused());
      expect(await client().linotp.startPush(PUSH, later())).to.deep.equal({ kind: 'refused', message: 'wrong otp pin' });
      nock(A).post('/validate/check').reply(200, refused('x'.repeat(5000)));
      const long = await client().linotp.startPush(PUSH, later());
      expect(long.kind === 'refused' && long.message.length).to.equal(200);
    });

    it('masks the pass if the server echoes it in a message', async () => {
      nock(A).post('/validate/check').reply(200, refused(`wrong otp pin for ${PASS}`));
      expect(await client().linotp.startPush(PUSH, later())).to.deep.equal({ kind: 'refused', message: 'wrong otp pin for [redacted]' });
    });

    it('turns the server\'s error object into tfa_protocol with its code', async () => {
      nock(A).post('/validate/check').reply(200, serverError(`oops ${PASS}`));
      const err = await failure(client().linotp.startPush(PUSH, later()), 'tfa_protocol');
      expect(err.extra).to.include({ command: 'start_push', serverCode: -311, serverMessage: 'oops [redacted]' });
    });

    it('refuses value:true (the PIN alone authenticated): no second factor happened', async () => {
      nock(A).post('/validate/check').reply(200, { result: { status: true, value: true }, detail: { transactionid: TID } });
      await failure(client().linotp.startPush(PUSH, later()), 'tfa_protocol');
    });

    for (const tid of ['12345', 'abc123456', '../../353846450659', '1'.repeat(33), '353846450659\n', 353846450659, null]) {
      it(`refuses the transaction id ${JSON.stringify(tid)}`, async () => {
        nock(A).post('/validate/check').reply(200, started(tid));
        await failure(client().linotp.startPush(PUSH, later()), 'tfa_protocol');
      });
    }

    it('refuses a number outside 10-99 or data over 512 characters before any call', async () => {
      const scope = nock(A).post('/validate/check').reply(200, started());
      const { linotp } = client();
      for (const number of [9, 100, 42.5]) await failure(linotp.startPush({ ...PUSH, number }, later()), 'internal');
      await failure(linotp.startPush({ ...PUSH, data: 'd'.repeat(513) }, later()), 'internal');
      await failure(linotp.startPush({ ...PUSH, user: { $ne: '' } as unknown as string }, later()), 'invalid_input');
      expect(scope.isDone()).to.equal(false);
    });
  });

  describe('LinOTP client: push status', () => {
    const verdicts: Array<[string, Record<string, unknown>, string]> = [
      ['open', { status: 'open', received_tan: false, valid_tan: false, received_count: 0 }, 'open'],
      ['closed + valid_tan + accept', { status: 'closed', valid_tan: true, accept: true }, 'approved'],
      ['closed + valid_tan (no accept field)', { status: 'closed', valid_tan: true }, 'approved'],
      ['closed + reject', { status: 'closed', valid_tan: false, reject: true }, 'denied'],
    ];
    for (const [name, tx, expected] of verdicts) {
      it(`maps ${name} to ${expected}`, async () => {
        let form: Record<string, string> = {};
        nock(A).post('/validate/check_status', (body: Record<string, string>) => { form = body; return true; }).reply(200, statusReply(tx));
        expect(await client().linotp.status(STATUS, later())).to.equal(expected);
        expect(form).to.deep.equal({ user: 'alice', pass: PASS, transactionid: TID });
      });
    }

    const never: Array<[string, unknown]> = [
      ['closed without valid_tan or reject', statusReply({ status: 'closed', valid_tan: false })],
      ['closed with valid_tan but accept:false', statusReply({ status: 'closed', valid_tan: true, accept: false })],
      ['an unknown status word', statusReply({ status: 'approved', valid_tan: true, accept: true })],
      ['reject together with accept', statusReply({ status: 'closed', valid_tan: true, accept: true, reject: true })],
      ['a missing transaction entry', { result: { status: true, value: true }, detail: { transactions: {} } }],
      ['only another transaction', statusReply({ status: 'closed', valid_tan: true, accept: true }, '999999999999')],
      ['no detail at all', { result: { status: true, value: true } }],
      ['a transaction that is not an object', { result: { status: true, value: true }, detail: { transactions: { [TID]: 'closed' } } }],
      ['valid_tan as the string "true"', statusReply({ status: 'closed', valid_tan: 'true' })],
      ['result.status false', serverError()],
      ['value false (user or PIN does not match)', { result: { status: true, value: false }, detail: { transactions: {} } }],
    ];
    for (const [name, reply] of never) {
      it(`treats ${name} as tfa_protocol, never as approved`, async () => {
        nock(A).post('/validate/check_status').reply(200, reply as nock.Body);
        await failure(client().linotp.status(STATUS, later()), 'tfa_protocol');
      });
    }

    it('refuses a malformed transaction id before any call', async () => {
      const scope = nock(A).post('/validate/check_status').reply(200, statusReply({ status: 'open' }));
      await failure(client().linotp.status({ ...STATUS, transactionId: '1&pass=x' }, later()), 'internal');
      expect(scope.isDone()).to.equal(false);
    });
  });

  describe('LinOTP client: a code typed by hand', () => {
    it('sends the code as pass with the transaction id, and reads value:true as accepted', async () => {
      let form: Record<string, string> = {};
      nock(A).post('/validate/check', (body: Record<string, string>) => { form = body; return true; }).reply(200, verdict(true));
      expect(await client().linotp.checkCode({ user: 'alice', pass: PASS, code: CODE, transactionId: TID }, later())).to.equal(true);
      expect(form).to.deep.equal({ user: 'alice', pass: CODE, transactionid: TID });
    });

    it('reads value:false as refused', async () => {
      nock(A).post('/validate/check').reply(200, verdict(false));
      expect(await client().linotp.checkCode({ user: 'alice', pass: PASS, code: CODE, transactionId: TID }, later())).to.equal(false);
    });

    it('without a transaction sends PIN then code in pass', async () => {
      let form: Record<string, string> = {};
      nock(A).post('/validate/check', (body: Record<string, string>) => { form = body; return true; }).reply(200, verdict(true));
      expect(await client().linotp.checkCode({ user: 'alice', pass: PASS, code: CODE }, later())).to.equal(true);
      expect(form).to.deep.equal({ user: 'alice', pass: PASS + CODE });
    });

    it('turns a server error into tfa_protocol and refuses an empty code before calling', async () => {
      nock(A).post('/validate/check').reply(200, serverError());
      await failure(client().linotp.checkCode({ user: 'alice', pass: PASS, code: CODE, transactionId: TID }, later()), 'tfa_protocol');
      await failure(client().linotp.checkCode({ user: 'alice', pass: PASS, code: '', transactionId: TID }, later()), 'invalid_input');
    });
  });

  describe('LinOTP client: untrusted bodies and statuses', () => {
    const bodies: Array<[string, number, string, Record<string, string>?]> = [
      ['malformed JSON', 200, '{"result": {"status": true, "value": fal'],
      ['an HTML page', 200, '<!doctype html><html><body>Login</body></html>', { 'Content-Type': 'text/html' }],
      ['an empty body', 200, ''],
      ['JSON null', 200, 'null'],
      ['a JSON array', 200, '[{"result":{"status":true,"value":true}}]'],
      ['result.value missing', 200, '{"result":{"status":true}}'],
      ['a body over 64 KiB', 200, JSON.stringify({ ...refused(), padding: 'x'.repeat(70 * 1024) })],
      ['a redirect', 302, ''],
      ['404', 404, 'not found'],
    ];
    for (const [name, status, body, headers] of bodies) {
      it(`refuses ${name} with tfa_protocol`, async () => {
        nock(A).post('/validate/check').reply(status, body, headers);
        await failure(client().linotp.startPush(PUSH, later()), 'tfa_protocol');
      });
    }

    it('maps 401/403 (client certificate refused) to tfa_misconfigured', async () => {
      nock(A).post('/validate/check').reply(403, 'forbidden');
      await failure(client().linotp.startPush(PUSH, later()), 'tfa_misconfigured');
    });
  });

  describe('LinOTP client: failover across urls', () => {
    it('tries the second URL when the first refuses the connection', async () => {
      const down = await closedPortUrl();
      nock(B).post('/validate/check').reply(200, started());
      const { linotp, calls, logs } = client({ urls: [down, B] });
      expect(await linotp.startPush(PUSH, later())).to.deep.equal({ kind: 'started', transactionId: TID });
      expect(calls.map((c) => c.outcome)).to.deep.equal(['error', '2xx']);
      expect(logs.lines.find((l) => l.event === 'callout_unreachable')).to.include({ command: 'start_push', urlIndex: 0, cause: 'ECONNREFUSED' });
    });

    it('tries the second URL when the first answers 503', async () => {
      nock(A).post('/validate/check_status').reply(503, 'busy');
      nock(B).post('/validate/check_status').reply(200, statusReply({ status: 'open' }));
      const { linotp, calls } = client({ urls: [A, B] });
      expect(await linotp.status(STATUS, later())).to.equal('open');
      expect(calls.map((c) => c.outcome)).to.deep.equal(['5xx', '2xx']);
    });

    it('tries the second URL when the first times out, within the same deadline', async () => {
      nock(A).post('/validate/check').delay(2000).reply(200, started('111111111111'));
      nock(B).post('/validate/check').reply(200, started());
      const { linotp, calls } = client({ urls: [A, B], timeoutMs: 200 });
      expect(await linotp.startPush(PUSH, later())).to.deep.equal({ kind: 'started', transactionId: TID });
      expect(calls.map((c) => c.outcome)).to.deep.equal(['timeout', '2xx']);
    });

    for (const [name, status, body] of [['a refusal', 200, refused()], ['a bad body', 200, '<html>'], ['a 404', 404, '']] as const) {
      it(`does not send a definite answer (${name}) on to the second URL`, async () => {
        nock(A).post('/validate/check').reply(status, body);
        const second = nock(B).post('/validate/check').reply(200, started());
        const { linotp } = client({ urls: [A, B] });
        await linotp.startPush(PUSH, later()).catch(() => undefined);
        expect(second.isDone(), 'second server must not start a second push').to.equal(false);
      });
    }

    it('bounds the whole exchange: a server dripping its body byte by byte still times out', async () => {
      const drip = createHttpServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' }).write('{');
        const timer = setInterval(() => res.write(' '), 50);
        res.on('close', () => clearInterval(timer));
      });
      await new Promise<void>((resolve) => drip.listen(0, '127.0.0.1', resolve));
      const { linotp } = client({ urls: [`http://127.0.0.1:${(drip.address() as AddressInfo).port}`], timeoutMs: 300 });
      // Real sockets: nock's interceptor reads replies its own way, and the idle timeout would end a trickle too.
      nock.restore();
      try {
        const err = await failure(linotp.startPush(PUSH, later()), 'tfa_unavailable');
        expect(err.extra).to.include({ cause: 'timeout', tried: 1 });
      } finally {
        linotp.close();
        drip.closeAllConnections();
        drip.close();
        nock.activate();
      }
    });

    it('reports tfa_unavailable with tried=2 when every URL is down', async () => {
      const down = await closedPortUrl();
      nock(B).post('/validate/check').reply(502, 'bad gateway');
      const err = await failure(client({ urls: [down, B] }).linotp.startPush(PUSH, later()), 'tfa_unavailable');
      expect(err.extra).to.deep.equal({ command: 'start_push', cause: 'http_502', tried: 2 });
    });

    it('makes no call once the login deadline has passed (no_login)', async () => {
      const scope = nock(A).post('/validate/check').reply(200, started());
      await failure(client().linotp.startPush(PUSH, Date.now() - 1), 'no_login');
      expect(scope.isDone()).to.equal(false);
    });

    it('does not go on to the next URL after the deadline runs out on the first', async () => {
      nock(A).post('/validate/check').delay(1000).reply(200, started());
      const second = nock(B).post('/validate/check').reply(200, started());
      const err = await failure(client({ urls: [A, B], timeoutMs: 5000 }).linotp.startPush(PUSH, Date.now() + 200), 'tfa_unavailable');
      expect(err.extra).to.include({ tried: 1, cause: 'timeout' });
      expect(second.isDone()).to.equal(false);
    });
  });

  describe('LinOTP client: logs', () => {
    it('never writes the pass or a code, and only command, status, URL index, timing and cause', async () => {
      const logs = captureLogs('trace');
      const down = await closedPortUrl();
      nock(B).post('/validate/check').reply(200, started());
      nock(B).post('/validate/check_status').reply(200, statusReply({ status: 'closed', valid_tan: true, accept: true }));
      nock(B).post('/validate/check').reply(200, verdict(false));
      nock(B).post('/validate/check').reply(200, serverError(`bad pass ${PASS} / ${CODE}`));
      const { linotp } = client({ urls: [down, B] }, logs);
      await linotp.startPush(PUSH, later());
      await linotp.status(STATUS, later());
      await linotp.checkCode({ user: 'alice', pass: PASS, code: CODE, transactionId: TID }, later());
      const err = await failure(linotp.checkCode({ user: 'alice', pass: PASS, code: CODE, transactionId: TID }, later()), 'tfa_protocol');
      logs.logger.error({ err: err.detail, ...err.extra }, 'as a caller would log it');
      expect(logs.lines.length).to.be.greaterThan(4);
      expect(logs.text()).not.to.contain(PASS);
      expect(logs.text()).not.to.contain(CODE);
      const allowed = ['level', 'time', 'service', 'msg', 'event', 'command', 'httpStatus', 'urlIndex', 'ms', 'cause'];
      for (const line of logs.lines.filter((l) => l.msg !== 'as a caller would log it')) expect(Object.keys(line)).to.satisfy((keys: string[]) => keys.every((k) => allowed.includes(k)));
    });
  });

  describe('LinOTP client: TLS against a real local HTTPS server', function () {
    this.timeout(20_000);
    let dir = '';
    let server: Server;
    let url = '';
    let served = 0;

    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const selfSigned = (name: string, cn: string, ...extra: string[]) => openssl(
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', `/CN=${cn}`, '-keyout', `${name}.key`, '-out', `${name}.crt`, ...extra,
    );
    const file = (name: string) => join(dir, name);

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'fg-linotp-tls-'));
      // No skip when openssl is missing: execFileSync throws and the suite fails (the brief's rule).
      selfSigned('server', '127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost');
      selfSigned('other', 'Some Other CA');
      selfSigned('client', 'factorgate');
      writeFileSync(file('garbage.crt'), '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n');
      server = createServer({
        key: readFileSync(file('server.key')), cert: readFileSync(file('server.crt')),
        // Asks for a client certificate, and answers 403 without a good one (as a LinOTP behind such a proxy would).
        requestCert: true, rejectUnauthorized: false, ca: readFileSync(file('client.crt')),
      }, (req, res) => {
        served += 1;
        const authorized = (req.socket as TLSSocket).authorized;
        res.writeHead(authorized ? 200 : 403, { 'Content-Type': 'application/json' }).end(JSON.stringify(authorized ? started() : {}));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    after(async () => {
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const tlsClient = (tls: LinotpConfigInput['tls']) => client({ urls: [url], tls, timeoutMs: 3000 }).linotp;

    it('succeeds with caFile = the server\'s certificate and the client certificate', async () => {
      const linotp = tlsClient({ caFile: file('server.crt'), certFile: file('client.crt'), keyFile: file('client.key') });
      try {
        expect(await linotp.startPush(PUSH, later())).to.deep.equal({ kind: 'started', transactionId: TID });
      } finally {
        linotp.close();
      }
    });

    it('fails with tfa_unavailable when another CA is pinned, without sending the request', async () => {
      const before = served;
      const linotp = tlsClient({ caFile: file('other.crt'), certFile: file('client.crt'), keyFile: file('client.key') });
      try {
        const err = await failure(linotp.startPush(PUSH, later()), 'tfa_unavailable');
        expect(err.extra).to.include({ tried: 1 });
        expect(String(err.extra.cause)).to.match(/CERT|SIGNATURE|ISSUER/);
        expect(served).to.equal(before);
      } finally {
        linotp.close();
      }
    });

    it('does not trust the self-signed server through the system store either', async () => {
      const linotp = tlsClient({});
      try {
        await failure(linotp.startPush(PUSH, later()), 'tfa_unavailable');
      } finally {
        linotp.close();
      }
    });

    it('without the client certificate gets the server\'s 403: tfa_misconfigured', async () => {
      const linotp = tlsClient({ caFile: file('server.crt') });
      try {
        await failure(linotp.startPush(PUSH, later()), 'tfa_misconfigured');
      } finally {
        linotp.close();
      }
    });

    it('refuses to start with a missing or unusable PEM file, naming the setting', () => {
      expect(() => tlsClient({ caFile: file('missing.crt') })).to.throw(ConfigError, /linotp\.tls\.caFile: cannot read .*ENOENT/);
      expect(() => tlsClient({ caFile: file('garbage.crt') })).to.throw(ConfigError, /linotp\.tls: the PEM files are not usable/);
      expect(() => tlsClient({ caFile: file('client.key') })).to.throw(ConfigError, /caFile holds no PEM certificate/);
      expect(() => tlsClient({ certFile: file('client.crt'), keyFile: file('other.key') })).to.throw(ConfigError, /keyFile does not match certFile/);
    });
  });
});
