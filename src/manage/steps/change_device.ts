import type { RequestHandler } from 'express';
import { checkDeviceName } from '../../otp/device_store.js';
import { client } from '../../http/request.js';
import { BASE } from '../deps.js';
import { redirectWith } from '../messages.js';
import { deviceIdOf, devicePath, field, withSession, type Portal } from '../portal.js';

/** POST /manageotp/devices/:id/rename. The name is checked here, so the store never refuses it. */
export function renameDevice(portal: Portal): RequestHandler {
  const { deps } = portal;
  return withSession(portal, 'ready', async (req, res, session) => {
    const id = deviceIdOf(req);
    let name: string;
    try {
      name = checkDeviceName(field(req, 'name'));
    } catch {
      return redirectWith(res, devicePath(id), 'name_invalid');
    }
    if (!(await deps.store.rename(session.user, id, name))) return redirectWith(res, BASE, 'no_device');
    deps.logger.info({ event: 'manageotp_device_renamed', user: session.user, deviceId: id, clientIp: client(req).ip }, 'device renamed at the portal');
    redirectWith(res, devicePath(id), 'renamed');
  });
}

/** POST /manageotp/devices/:id/remove (after the confirmation page). Pending or active alike. */
export function removeDevice(portal: Portal): RequestHandler {
  const { deps, sessions } = portal;
  return withSession(portal, 'ready', async (req, res, session) => {
    const id = deviceIdOf(req);
    if (!(await deps.store.remove(session.user, id))) return redirectWith(res, BASE, 'no_device');
    if (session.enrolling === id) {
      delete session.enrolling;
      await sessions.save(session);
    }
    deps.logger.info({ event: 'manageotp_device_removed', user: session.user, deviceId: id, clientIp: client(req).ip }, 'device removed at the portal');
    redirectWith(res, BASE, 'removed');
  });
}
