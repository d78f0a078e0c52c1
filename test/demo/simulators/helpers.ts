import { create } from 'xmlbuilder2';
import { FakeClock } from '../../helpers/clock.js';
import { createAnakamSimulator, type AnakamSimulator, type AnakamSimulatorOptions } from '../../../src/demo/simulators/anakam/index.js';

// Shared by the simulator tests: the fake clock (started at T0), a tiny Anakam API client and an XML reader.

export const T0 = Date.parse('2026-03-01T09:00:00.000Z');

export { FakeClock };

export const ANAKAM_USERS = {
  alice: { email: 'alice@example.com' },
  bob: { email: 'bob@example.com', phone: '+1 555 010 2345' },
  carol: { phone: '+1 555 010 9876' },
};

export const CLIENT_IP = '203.0.113.7';

export type Reply = {
  status: number;
  body: string;
  contentType: string | null;
  headers: Headers;
  /** Root element name and the text of each child, when the body is XML. */
  root?: string;
  values: Map<string, string>;
  /** Child element names in document order. */
  order: string[];
};

export function readXml(body: string): { root?: string; values: Map<string, string>; order: string[] } {
  type Node = { nodeType: number; nodeName: string; textContent: string | null; childNodes: ArrayLike<Node> };
  try {
    const root = create(body).root().node as unknown as Node;
    const elements = Array.from(root.childNodes).filter((n) => n.nodeType === 1);
    return {
      root: root.nodeName,
      values: new Map(elements.map((n) => [n.nodeName, (n.textContent ?? '').trim()])),
      order: elements.map((n) => n.nodeName),
    };
  } catch {
    return { values: new Map(), order: [] };
  }
}

/** A challengeRequest as factorgate builds it (xmlbuilder2, so values cannot break the XML). */
export function challengeXml(command: string, fields: Record<string, string> = {}, clientIp = CLIENT_IP): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('challengeRequest');
  root.ele('command').txt(command);
  if (clientIp !== '') root.ele('clientIp').txt(clientIp);
  for (const [name, value] of Object.entries(fields)) root.ele(name).txt(value);
  return root.end();
}

export async function send(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const body = await res.text();
  const xml = /xml/.test(res.headers.get('content-type') ?? '') ? readXml(body) : { values: new Map<string, string>(), order: [] };
  return { status: res.status, body, contentType: res.headers.get('content-type'), headers: res.headers, ...xml };
}

/** Speaks the Anakam API to a running simulator, with its API credentials unless told otherwise. */
export class AnakamApiClient {
  constructor(private readonly sim: AnakamSimulator, private readonly auth = `Basic ${Buffer.from(`${sim.apiUser}:${sim.apiPassword}`).toString('base64')}`) {}

  get base(): string {
    return `${this.sim.url}${this.sim.basePath}`;
  }

  authKey(user: string, applicationKey = '/'): Promise<Reply> {
    const query = new URLSearchParams({ applicationKey, userKey: user });
    return send(`${this.base}/auth?${query}`, { method: 'POST', headers: { Authorization: this.auth, 'Content-Type': 'application/xml' } });
  }

  challenge(authKey: string, command: string, fields: Record<string, string> = {}): Promise<Reply> {
    return this.put(authKey, challengeXml(command, fields));
  }

  put(authKey: string, body: string, contentType = 'application/xml'): Promise<Reply> {
    return send(`${this.base}/challenge/${encodeURIComponent(authKey)}`, {
      method: 'PUT', body, headers: { Authorization: this.auth, 'Content-Type': contentType },
    });
  }

  /** auth -> SELECT_METHOD -> GET_PARAMS; returns the key and the passcode from the outbox. */
  async passcodeSent(user: string, method = 'EMAIL'): Promise<{ authKey: string; passcode: string; sent: Reply }> {
    const authKey = await this.newKey(user);
    const selected = await this.challenge(authKey, 'SELECT_METHOD', { method });
    if (selected.values.get('status') !== 'METHOD_SELECTED') throw new Error(`SELECT_METHOD answered ${selected.body}`);
    const sent = await this.challenge(authKey, 'GET_PARAMS');
    if (sent.values.get('status') !== 'PASSCODE_SENT') throw new Error(`GET_PARAMS answered ${sent.body}`);
    return { authKey, passcode: this.sim.lastPasscode(user) ?? '', sent };
  }

  async newKey(user: string): Promise<string> {
    const reply = await this.authKey(user);
    const authKey = reply.values.get('authKey');
    if (reply.status !== 200 || !authKey) throw new Error(`auth answered ${reply.status}`);
    return authKey;
  }
}

/** A started simulator with a fake clock and its client; call close() in afterEach. */
export async function startAnakam(options: AnakamSimulatorOptions = {}): Promise<{ sim: AnakamSimulator; clock: FakeClock; client: AnakamApiClient }> {
  const clock = new FakeClock(T0);
  const sim = createAnakamSimulator({ users: ANAKAM_USERS, clock, ...options });
  await sim.listen(0);
  return { sim, clock, client: new AnakamApiClient(sim) };
}

/** A passcode that is certainly not the right one. */
export function wrong(passcode: string): string {
  return passcode === '000000' ? '111111' : '000000';
}

/** node:http, for what fetch will not send (a forged Host header). */
export async function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}
