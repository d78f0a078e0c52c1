import type { RequestHandler } from 'express';
import { confirmDevice as confirmFirstCode } from '../../otp/enrol_device.js';
import { wrongCode } from '../../otp/check_code.js';
import { client } from '../../http/request.js';
import { BASE, otpDeps } from '../deps.js';
import { redirectWith } from '../messages.js';
import { deviceIdOf, devicePath, type Portal, typedCode, withSession } from '../portal.js';

/** POST /manageotp/devices/:id/confirm: the first code from the new device makes it active. */
export function confirmDevice(portal: Portal): RequestHandler {
  const { deps, sessions } = portal;
  return withSession(portal, 'ready', async (req, res, session) => {
    const id = deviceIdOf(req);
    const { ip } = client(req);
    const device = await deps.store.get(session.user, id);
    if (!device) return redirectWith(res, BASE, 'no_device');
    if (device.active) return redirectWith(res, devicePath(id));
    if (session.enrolling !== id) return redirectWith(res, devicePath(id)); // shows "remove it and add it again"
    // Another session may have set up devices meanwhile: the limit holds at activation too.
    if ((await deps.store.list(session.user)).filter((d) => d.active).length >= deps.maxDevices) return redirectWith(res, BASE, 'too_many');
    const result = await deps.limits.guess(session.user, () => confirmFirstCode(otpDeps(deps), session.user, id, typedCode(req)), wrongCode);
    if (result.outcome === 'success') {
      delete session.enrolling;
      await sessions.save(session);
      deps.logger.info({ event: 'manageotp_device_confirmed', user: session.user, deviceId: id, clientIp: ip }, 'device confirmed by its first code');
      return redirectWith(res, BASE, 'device_confirmed');
    }
    deps.logger.info({ event: 'manageotp_device_confirm_failed', user: session.user, deviceId: id, clientIp: ip, reason: result.reason }, 'first code of a new device refused');
    if (result.reason === 'no_device') return redirectWith(res, BASE, 'no_device');
    await deps.limits.countClient(ip);
    redirectWith(res, devicePath(id), result.reason === 'reused' ? 'code_reused' : 'confirm_wrong');
  });
}
