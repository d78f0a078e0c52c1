import type { RequestHandler } from 'express';
import { checkDeviceName } from '../../otp/device_store.js';
import { enrolDevice } from '../../otp/enrol_device.js';
import { client } from '../../http/request.js';
import { BASE, otpDeps } from '../deps.js';
import { redirectWith } from '../messages.js';
import { devicePath, field, withSession, type Portal } from '../portal.js';

/** POST /manageotp/devices: a named, inactive device with a new secret; its page shows the QR code. */
export function addDevice(portal: Portal): RequestHandler {
  const { deps, sessions } = portal;
  return withSession(portal, 'ready', async (req, res, session) => {
    let name: string;
    try {
      name = checkDeviceName(field(req, 'name'));
    } catch {
      return redirectWith(res, BASE, 'name_invalid');
    }
    const enrolled = await enrolDevice(otpDeps(deps), session.user, name, deps.maxDevices);
    if (enrolled.outcome === 'fail') return redirectWith(res, BASE, 'too_many');
    // The URI (it holds the secret) is not kept: the setup page opens the sealed copy again.
    session.enrolling = enrolled.device.id;
    await sessions.save(session);
    deps.logger.info({ event: 'manageotp_device_added', user: session.user, deviceId: enrolled.device.id, clientIp: client(req).ip }, 'device added at the portal, waiting for its first code');
    redirectWith(res, devicePath(enrolled.device.id));
  });
}
