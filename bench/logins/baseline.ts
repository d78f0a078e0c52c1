import { IDLE_SOCKET_MS } from '../../src/outbound/http_client.js';
import { Agent } from 'node:http';
import axios, { type AxiosInstance } from 'axios';
import { BENCH_API } from '../lib/factorgate_process.js';
import { Browser } from './browser.js';
import { clientIpOf, passwordOf, userName } from './users.js';

// The baseline: the same HTTP exchanges factorgate makes for a login, made directly against the
// simulators with the same HTTP clients and agent settings as factorgate's (axios for the
// two-factor callouts as src/providers/anakam/client.ts and for the replay as
// src/gateway/replay.ts, the pass-through pool of src/proxy/passthrough.ts for the login page),
// and no work besides: XML by template, replies read by pattern, no state kept.
//   GET login page -> auth -> SELECT_METHOD -> GET_PARAMS -> [outbox] -> VERIFY_PASSCODE -> COMPLETE -> POST /cgi/login
//   GET login page -> auth -> VERIFY_DEVICE -> COMPLETE -> POST /cgi/login

export type BaselineClients = { tfa: AxiosInstance; gateway: AxiosInstance; pageAgent: Agent; anakamUrl: string; gwUrl: string; base: string };

// As src/gateway/replay.ts configures axios.
const replayOptions = { timeout: 5000, maxRedirects: 0, maxContentLength: 256 * 1024, responseType: 'text' as const, transformResponse: [(d: unknown) => d], validateStatus: () => true, proxy: false as const };

export function baselineClients(anakamUrl: string, gwUrl: string): BaselineClients {
  return {
    // As factorgate's AnakamClient configures axios: tfa.maxSockets (16), Basic auth, text bodies.
    tfa: axios.create({
      ...replayOptions,
      maxContentLength: 64 * 1024,
      auth: { username: BENCH_API.user, password: BENCH_API.password },
      httpAgent: new Agent({ keepAlive: true, maxSockets: 16, maxFreeSockets: 16, timeout: IDLE_SOCKET_MS }),
    }),
    gateway: axios.create({ ...replayOptions, httpAgent: new Agent({ keepAlive: true, maxSockets: 16, maxFreeSockets: 16, timeout: IDLE_SOCKET_MS }) }),
    // The pass-through pool, through which factorgate fetches the login page.
    pageAgent: new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64, timeout: IDLE_SOCKET_MS }),
    anakamUrl,
    gwUrl,
    base: `${anakamUrl}/tfa/api/5.5/default`,
  };
}

const statusOf = (xml: string) => /<status>([^<]*)<\/status>/.exec(xml)?.[1];
/** One callout: the same request and headers as factorgate's AnakamClient sends. */
async function callout(c: BaselineClients, method: 'POST' | 'PUT', url: string, body: string): Promise<{ status: number; data: string }> {
  const reply = await c.tfa.request({ method, url, data: body, headers: { 'Content-Type': 'application/xml' } });
  return { status: reply.status, data: String(reply.data) };
}

function challengeXml(command: string, clientIp: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?><challengeRequest><command>${command}</command><clientIp>${clientIp}</clientIp>${extra}</challengeRequest>`;
}

async function challenge(c: BaselineClients, authKey: string, command: string, clientIp: string, extra = ''): Promise<string> {
  const reply = await callout(c, 'PUT', `${c.base}/challenge/${authKey}`, challengeXml(command, clientIp, extra));
  if (reply.status !== 200) throw new Error(`${command}: HTTP ${reply.status}`);
  return String(reply.data);
}

/** The first exchanges of a login's second factor: an auth key, then the device checked or a passcode sent. */
export async function beginSecondFactor(c: BaselineClients, name: string, ip: string, deviceKey: string | undefined): Promise<string> {
  const auth = await callout(c, 'POST', `${c.base}/auth?applicationKey=%2F&userKey=${encodeURIComponent(name)}`, '');
  const authKey = /<authKey>([^<]+)<\/authKey>/.exec(String(auth.data))?.[1];
  if (auth.status !== 200 || !authKey) throw new Error(`auth: HTTP ${auth.status}`);
  if (deviceKey) {
    const verified = await challenge(c, authKey, 'VERIFY_DEVICE', ip, `<deviceKey>${deviceKey}</deviceKey>`);
    if (statusOf(verified) !== 'AUTHENTICATED') throw new Error(`VERIFY_DEVICE: ${statusOf(verified)}`);
  } else {
    await challenge(c, authKey, 'SELECT_METHOD', ip, '<method>EMAIL</method>');
    const sent = await challenge(c, authKey, 'GET_PARAMS', ip);
    if (statusOf(sent) !== 'PASSCODE_SENT') throw new Error(`GET_PARAMS: ${statusOf(sent)}`);
  }
  return authKey;
}

/** VERIFY_PASSCODE; with `register` the device is registered and its key returned. */
export async function verifyPasscode(c: BaselineClients, authKey: string, ip: string, passcode: string, register: boolean): Promise<string | undefined> {
  const registration = register ? '<registerDevice>true</registerDevice><registrationHours>8</registrationHours>' : '';
  const verified = await challenge(c, authKey, 'VERIFY_PASSCODE', ip, `<passcode>${passcode}</passcode>${registration}`);
  if (statusOf(verified) !== 'AUTHENTICATED') throw new Error(`VERIFY_PASSCODE: ${statusOf(verified)}`);
  return /<deviceKey>([^<]+)<\/deviceKey>/.exec(verified)?.[1];
}

/** COMPLETE, then the credentials replayed to the gateway; the gateway's Set-Cookie lines. */
export async function completeAndReplay(c: BaselineClients, authKey: string, ip: string, name: string, password: string): Promise<string[]> {
  const completed = await challenge(c, authKey, 'COMPLETE', ip);
  if (statusOf(completed) !== 'COMPLETE') throw new Error(`COMPLETE: ${statusOf(completed)}`);
  const form = new URLSearchParams({ login: name, passwd: password }).toString();
  const replay = await c.gateway.post(`${c.gwUrl}/cgi/login`, form, { headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': ip } });
  const setCookie = replay.headers['set-cookie'] ?? [];
  if (replay.status !== 302 || !setCookie.some((cookie) => cookie.startsWith('NSC_AAAC='))) throw new Error(`gateway login: HTTP ${replay.status}`);
  return setCookie;
}

/** One whole login; with `register` the device is registered and its key returned. */
export async function baselineLogin(c: BaselineClients, vu: number, user: number, deviceKey: string | undefined, register = false): Promise<string | undefined> {
  const ip = clientIpOf(vu);
  const browser = new Browser(c.pageAgent, { 'X-Forwarded-For': ip });
  const page = await browser.get(`${c.gwUrl}/vpn/index.html`);
  if (page.status !== 200) throw new Error(`login page: ${page.status}`);
  const authKey = await beginSecondFactor(c, userName(user), ip, deviceKey);
  let newDevice: string | undefined;
  if (!deviceKey) {
    const mail = await browser.get(`${c.anakamUrl}/outbox/${userName(user)}.json`);
    newDevice = await verifyPasscode(c, authKey, ip, browser.json<{ passcode: string }>(mail).passcode, register);
  }
  await completeAndReplay(c, authKey, ip, userName(user), passwordOf(user));
  return newDevice ?? deviceKey;
}
