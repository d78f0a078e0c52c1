import type { RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { qrSvg } from '../../http/qr.js';
import { openStep } from './show_step.js';
import { clientOf, type LoginWeb } from './web.js';

/** GET /mfa/enrol/qr.svg: the QR code of a device being enrolled in this login; only the browser that started it gets it. */
export function enrolQrEndpoint(web: LoginWeb): RequestHandler {
  return async (req, res) => {
    const view = await openStep(web.login, web.loginIdOf(req) ?? '', clientOf(req));
    if (view.kind !== 'challenge' || !view.setupUri) throw new FactorgateError('no_login', 'no device being enrolled');
    res.set({ 'Cache-Control': 'no-store', 'Content-Security-Policy': 'default-src \'none\'; style-src \'unsafe-inline\'' });
    res.type('image/svg+xml').send((await qrSvg(view.setupUri)).value);
  };
}
