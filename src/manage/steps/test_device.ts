import type { RequestHandler } from 'express';
import { confirmDevice } from '../../otp/enrol_device.js';
import { wrongCode } from '../../otp/check_code.js';
import { client } from '../../http/request.js';
import { BASE, otpDeps } from '../deps.js';
import { redirectWith } from '../messages.js';
import { deviceIdOf, devicePath, type Portal, typedCode, withSession } from '../portal.js';

/**
 * POST /manageotp/devices/:id/test: does this device's code work? A right code is used up (its step
 * recorded, so it cannot then sign in); a wrong one counts like a wrong passcode at login.
 */
export function testDevice(portal: Portal): RequestHandler {
  const { deps } = portal;
  return withSession(portal, 'ready', async (req, res, session) => {
    const id = deviceIdOf(req);
    const { ip } = client(req);
    const device = await deps.store.get(session.user, id);
    if (!device) return redirectWith(res, BASE, 'no_device');
    if (!device.active) return redirectWith(res, devicePath(id), 'not_active');
    // On an active device, confirmDevice is exactly a check of one device's code.
    const result = await deps.limits.guess(session.user, () => confirmDevice(otpDeps(deps), session.user, id, typedCode(req)), wrongCode);
    const outcome = result.outcome === 'success' ? 'works' : result.reason;
    deps.logger.info({ event: 'manageotp_device_test', user: session.user, deviceId: id, clientIp: ip, outcome }, 'device tested at the portal');
    if (result.outcome === 'success') return redirectWith(res, devicePath(id), 'code_works');
    if (result.reason === 'no_device') return redirectWith(res, BASE, 'no_device');
    await deps.limits.countClient(ip);
    redirectWith(res, devicePath(id), result.reason === 'reused' ? 'code_reused' : 'code_not_valid');
  });
}
