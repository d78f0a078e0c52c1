import type { RequestHandler } from 'express';
import { openDeviceSecret } from '../../otp/check_code.js';
import { BASE, otpDeps } from '../deps.js';
import { messageOf, redirectWith } from '../messages.js';
import { devicePage, pendingPage, removePage, setupPage } from '../pages/device_pages.js';
import { deviceIdOf, withSession, type Portal } from '../portal.js';
import { qrSvg } from '../../http/qr.js';

/**
 * GET /manageotp/devices/:id: an active device's page (test, rename, remove); for a pending one,
 * its setup (QR code and link), but only to the session that added it: the secret is shown to no
 * one else, and never once the device is active.
 */
export function showDevice(portal: Portal): RequestHandler {
  const { deps } = portal;
  return withSession(portal, 'ready', async (req, res, session) => {
    const device = await deps.store.get(session.user, deviceIdOf(req));
    if (!device) return redirectWith(res, BASE, 'no_device');
    const message = messageOf(req);
    if (device.active) return void res.type('html').send(devicePage(session, device, message));
    const secret = session.enrolling === device.id ? openDeviceSecret(otpDeps(deps), device) : undefined;
    if (secret === undefined) return void res.type('html').send(pendingPage(session, device, message));
    const uri = deps.totp.uri(secret, session.user);
    res.type('html').send(setupPage(session, device, uri, await qrSvg(uri), message));
  });
}

/** GET /manageotp/devices/:id/remove: are you sure? */
export function showRemove(portal: Portal): RequestHandler {
  return withSession(portal, 'ready', async (req, res, session) => {
    const device = await portal.deps.store.get(session.user, deviceIdOf(req));
    if (!device) return redirectWith(res, BASE, 'no_device');
    res.type('html').send(removePage(session, device));
  });
}
