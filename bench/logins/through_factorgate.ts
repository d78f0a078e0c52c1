import type { Agent } from 'node:http';
import { Browser } from './browser.js';
import { clientIpOf, passwordOf, userName } from './users.js';

// A login through factorgate, as the injected script makes it (JSON):
//   GET /vpn/index.html -> POST /mfa/login -> [passcode from the simulator's outbox -> POST /mfa/passcode]

export type FactorgateLogin = { fgUrl: string; anakamUrl: string; agent: Agent };

type Answer = { status: string; csrf?: string; code?: string; location?: string };

/** Starts a login; resolves with the per-login CSRF token when it waits for a passcode, or 'done'. */
export async function startLogin(o: FactorgateLogin, browser: Browser, user: number): Promise<Answer> {
  const page = await browser.get(`${o.fgUrl}/vpn/index.html`);
  const token = /name="fg_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (page.status !== 200 || !token) throw new Error(`login page: ${page.status}`);
  const started = await browser.postJson(`${o.fgUrl}/mfa/login`, { login: userName(user), passwd: passwordOf(user), fg_csrf: token });
  return browser.json<Answer>(started);
}

export async function readPasscode(o: FactorgateLogin, browser: Browser, user: number): Promise<string> {
  const mail = await browser.get(`${o.anakamUrl}/outbox/${userName(user)}.json`);
  return browser.json<{ passcode: string }>(mail).passcode;
}

/** One whole login; `remember` ticks "remember this device" and keeps the DeviceKey cookie. */
export async function loginThroughFactorgate(o: FactorgateLogin, vu: number, user: number, deviceKey: string | undefined, remember = false): Promise<string | undefined> {
  const browser = new Browser(o.agent, { 'X-Forwarded-For': clientIpOf(vu), 'User-Agent': `bench-vu-${vu}` });
  if (deviceKey) browser.cookies.set('DeviceKey', deviceKey);
  const started = await startLogin(o, browser, user);
  if (started.status === 'done') return browser.cookies.get('DeviceKey');
  if (started.status !== 'challenge') throw new Error(`login start: ${started.status} ${started.code ?? ''}`);
  const passcode = await readPasscode(o, browser, user);
  const done = browser.json<Answer>(await browser.postJson(`${o.fgUrl}/mfa/passcode`, { passcode, csrf: started.csrf, remember }));
  if (done.status !== 'done') throw new Error(`passcode: ${done.status} ${done.code ?? ''}`);
  if (!browser.cookies.has('NSC_AAAC')) throw new Error('no gateway session cookie');
  return browser.cookies.get('DeviceKey');
}
