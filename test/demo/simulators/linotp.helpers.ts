import { createLinotpSimulator, type LinotpSimulator, type LinotpSimulatorOptions } from '../../../src/demo/simulators/linotp/index.js';
import { FakeClock, T0 } from './helpers.js';

// Shared by the LinOTP simulator tests (linotp.*.test.ts): users, a fake clock and a tiny
// contract-3 client.

export const LINOTP_USERS = {
  bob: { password: 'bob-demo-pw', push: { pin: '1234' } },
  dave: { password: 'dave-demo-pw', push: { pin: '4321' } },
  alice: { password: 'alice-demo-pw' },
};

export const DATA = 'Login to gateway.example.com from 203.0.113.7';

export type JsonReply = { status: number; contentType: string | null; headers: Headers; body: string; json: any };

export type Params = Record<string, string>;

/** Speaks the LinOTP validate API to a running LinOTP simulator. */
export class LinotpClient {
  constructor(private readonly base: string, private readonly headers: Record<string, string> = {}) {}

  check(params: Params, method: 'GET' | 'POST' = 'GET'): Promise<JsonReply> {
    return this.call('/validate/check', params, method);
  }

  checkStatus(params: Params, method: 'GET' | 'POST' = 'GET'): Promise<JsonReply> {
    return this.call('/validate/check_status', params, method);
  }

  /** Triggers a push and returns its transaction id; throws unless one was sent. */
  async push(user = 'bob', pass = '1234', extra: Params = {}): Promise<string> {
    const reply = await this.check({ user, pass, data: DATA, content_type: '0', number: '42', ...extra });
    const tid = reply.json?.detail?.transactionid;
    if (typeof tid !== 'string') throw new Error(`no push sent: ${reply.body}`);
    return tid;
  }

  /** The check_status entry for one transaction (undefined when there is none). */
  async statusOf(tid: string, user = 'bob', pass = '1234'): Promise<any> {
    return (await this.checkStatus({ user, pass, transactionid: tid })).json?.detail?.transactions?.[tid];
  }

  async call(path: string, params: Params, method: 'GET' | 'POST' = 'GET'): Promise<JsonReply> {
    const query = new URLSearchParams(params);
    const init: RequestInit = method === 'GET'
      ? { headers: this.headers }
      : { method, body: query, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...this.headers } };
    return send(method === 'GET' ? `${this.base}${path}?${query}` : `${this.base}${path}`, init);
  }
}

export async function send(url: string, init: RequestInit = {}): Promise<JsonReply> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const body = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type'), headers: res.headers, body, json };
}

/** A started simulator with a fake clock and its client; call sim.close() in afterEach. */
export async function startLinotp(options: LinotpSimulatorOptions = {}): Promise<{ sim: LinotpSimulator; clock: FakeClock; client: LinotpClient }> {
  const clock = new FakeClock(T0);
  const sim = createLinotpSimulator({ users: LINOTP_USERS, clock, ...options });
  await sim.listen(0);
  return { sim, clock, client: new LinotpClient(sim.url) };
}

/** A number of 10..99 that is not `right`. */
export function wrongNumber(right: number, choices: number[] = []): number {
  for (let n = 10; n < 100; n += 1) if (n !== right && !choices.includes(n)) return n;
  throw new Error('unreachable');
}

/** A posted form, as the phone page's buttons send it (same origin, as a browser would). */
export function postForm(base: string, path: string, fields: Params): Promise<JsonReply> {
  return send(`${base}${path}`, {
    method: 'POST', body: new URLSearchParams(fields),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: base },
  });
}
