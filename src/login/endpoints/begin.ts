import type { RequestHandler } from 'express';
import { FactorgateError, asFactorgateError } from '../../errors.js';
import { startFlow } from '../../flows/index.js';
import { body, cookie } from '../../http/request.js';
import { openDeviceCredential } from '../../security/device_credential.js';
import { formTokenMatches } from '../../security/csrf.js';
import { randomToken } from '../../security/keyring.js';
import { boundedUserAgent, type Client } from '../client.js';
import type { Login } from '../login.js';
import { settle } from '../proceed.js';
import { readCredentials } from '../../identity/read_credentials.js';
import { readTokenPin } from '../read/read_token_pin.js';
import type { LoginRecord } from '../record.js';
import { sendBackToForm, sendView, wantsJson } from '../respond.js';
import { Run } from '../run.js';
import { sealDevice, sealPassword, sealPin } from '../sealed_credentials.js';
import type { LoginView } from '../views.js';
import { withdrawOpenPush } from '../withdraw_push.js';
import { clientOf, type LoginWeb } from './web.js';
import type { UserName } from '../../identity/user_names.js';

/** The first factor as the login form gave it, the name already made the user's key. */
export type LoginCredentials = { user: UserName; password: string; pin?: string };

/**
 * POST /mfa/login: the gateway's login form, rewritten to post here. Its signed token, the
 * credentials' shape and the user's key first; an earlier login of this browser ends (ASVS 3.2.1:
 * a new handle on every login); then the login begins: limits, a remembered device, the flow.
 */
export function beginEndpoint(web: LoginWeb): RequestHandler {
  const { login, userNames } = web;
  const { config, keyring } = login.deps;
  return async (req, res) => {
    const form = body(req);
    // Thrown, not answered here, so the refusal is logged like every other.
    if (!formTokenMatches(keyring, cookie(req, config.cookies.csrfName), form.fg_csrf)) throw new FactorgateError('csrf', 'login form token missing or wrong');
    const typed = readCredentials(form, { username: config.gateway.usernameField, password: config.gateway.passwordField }, config.login);
    const credentials = { user: userNames.fromTyped(typed.username), password: typed.password, pin: readTokenPin(form) };
    const previous = web.loginIdOf(req);
    if (previous) await abandon(login, previous);
    const view = await begin(login, credentials, clientOf(req), cookie(req, config.cookies.deviceName));
    if (view.kind === 'failed' && view.error.code === 'gateway_refused' && !wantsJson(req)) return sendBackToForm(res, view, typed.username, web.responder);
    sendView(req, res, view, web.responder);
  };
}

/** A new login: its record (the secrets sealed), the limits, a remembered device, and its flow from the entry. */
export async function begin(login: Login, credentials: LoginCredentials, client: Client, deviceCookie: string | undefined): Promise<LoginView> {
  const { config, keyring, now, chooseProvider, limits, flow } = login.deps;
  const { user } = credentials;
  const id = randomToken();
  const record: LoginRecord = {
    id, state: 'started', username: user.key, realm: user.realm, gatewayName: user.forGateway, sealedPassword: sealPassword(id, credentials.password, keyring),
    clientIp: client.ip, userAgent: boundedUserAgent(client), provider: 'none', providerState: {},
    path: 'none', csrf: randomToken(18), wrongAnswers: 0, resends: 0, createdAt: now(), deadline: now() + config.login.lifetimeSeconds * 1000,
    device: { presented: deviceCookie !== undefined, accepted: false },
    choice: chooseProvider({ client: { ip: client.ip }, user: { name: user.key, realm: user.realm }, headers: client.headers ?? {}, now: now(), device: { presented: deviceCookie !== undefined, accepted: false } }),
    ...(credentials.pin === undefined ? {} : { sealedPin: sealPin(id, credentials.pin, keyring) }),
  };
  const run = new Run(login.deps, record, client);
  try {
    await limits.admitStart(record.username, record.clientIp);
    if (deviceCookie) await openDeviceCookie(login, record, deviceCookie, run);
    return await settle(login, record, await startFlow(flow, run.facts, run.act), run);
  } catch (err) {
    return login.outcomes.fail(record, asFactorgateError(err), run.forgetDevice);
  }
}

/**
 * A remembered-device cookie that opens for this user and is still on the user's list of
 * remembered browsers (not revoked) is kept, sealed, for the flow's device check; any other is dropped.
 */
async function openDeviceCookie(login: Login, record: LoginRecord, cookie: string, run: Run): Promise<void> {
  const { keyring, now, logger, browsers } = login.deps;
  const opened = openDeviceCredential(keyring, cookie, record.username, now());
  const why = opened.kind === 'invalid' ? opened.why : (await browsers.holds(record.username, opened.id)) ? undefined : 'not_listed';
  if (opened.kind === 'valid' && why === undefined) {
    record.device.accepted = true;
    record.sealedDevice = sealDevice(record.id, opened.credential, keyring);
    return;
  }
  run.forgetDevice = true;
  // This user's own cookie, revoked by an administrator or past its time: the next step says why it is asked for.
  if (why === 'not_listed' || why === 'expired') run.notice = { code: 'device_refused' };
  logger.warn({ event: 'device_cookie_refused', user: record.username, clientIp: record.clientIp, why }, 'remembered-device cookie not usable');
}

/**
 * Ends a login this browser left behind when it starts a new one (no fixation, ASVS 3.2.1); the
 * push it waited for (a tab closed without cancelling) is withdrawn like a cancelled one's.
 */
async function abandon(login: Login, loginId: string): Promise<void> {
  const record = await login.deps.records.load(loginId);
  if (!record) return;
  await withdrawOpenPush(login.deps, record);
  await login.deps.records.supersede(record);
  await login.deps.records.remove(loginId, 'abandoned');
  login.outcomes.audit(record, 'abandoned');
}
