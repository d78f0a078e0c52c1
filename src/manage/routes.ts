import { Router } from 'express';
import { ownPageHeaders } from '../http/page_headers.js';
import { BASE, type ManageDeps } from './deps.js';
import { makePortal } from './portal.js';
import { notFound, refuse } from './refuse.js';
import { addDevice } from './steps/add_device.js';
import { forgetAllBrowsers, forgetBrowser } from './steps/browsers.js';
import { removeDevice, renameDevice } from './steps/change_device.js';
import { checkSignInCode } from './steps/check_sign_in_code.js';
import { confirmDevice } from './steps/confirm_device.js';
import { passkeySignIn, passkeySignInOptions } from './steps/passkey_sign_in.js';
import { addPasskey, passkeyOptions, removePasskey, renamePasskey, showRemovePasskey } from './steps/passkeys.js';
import { showDevice, showRemove } from './steps/show_device.js';
import { showHome } from './steps/show_home.js';
import { signIn } from './steps/sign_in.js';
import { signOut } from './steps/sign_out.js';
import { testDevice } from './steps/test_device.js';

export type { ManageDeps } from './deps.js';

/**
 * /manageotp, the self-service portal for TOTP devices (as NetScaler's): sign in with the password
 * and, once the user has a device, a code from it; then list, add (QR code, first code), test,
 * rename and remove devices, and see and forget the browsers remembered at sign-in. Plain
 * forms, post/redirect/get, no script needed. Mount at the root.
 */
export function manageOtpRoutes(deps: ManageDeps): Router {
  const portal = makePortal(deps);
  const router = Router({ caseSensitive: true, strict: false });
  router.use(BASE, ...ownPageHeaders(deps.cookies.secure));

  router.get(BASE, showHome(portal));
  router.post(`${BASE}/signin`, signIn(portal));
  router.post(`${BASE}/code`, checkSignInCode(portal));
  router.post(`${BASE}/signout`, signOut(portal));
  router.post(`${BASE}/devices`, addDevice(portal));
  router.get(`${BASE}/devices/:id`, showDevice(portal));
  router.post(`${BASE}/devices/:id/confirm`, confirmDevice(portal));
  router.post(`${BASE}/devices/:id/test`, testDevice(portal));
  router.post(`${BASE}/devices/:id/rename`, renameDevice(portal));
  router.get(`${BASE}/devices/:id/remove`, showRemove(portal));
  router.post(`${BASE}/devices/:id/remove`, removeDevice(portal));
  router.post(`${BASE}/passkey-signin/options`, passkeySignInOptions(portal));
  router.post(`${BASE}/passkey-signin`, passkeySignIn(portal));
  router.post(`${BASE}/passkeys/options`, passkeyOptions(portal));
  router.post(`${BASE}/passkeys`, addPasskey(portal));
  router.post(`${BASE}/passkeys/:id/rename`, renamePasskey(portal));
  router.get(`${BASE}/passkeys/:id/remove`, showRemovePasskey(portal));
  router.post(`${BASE}/passkeys/:id/remove`, removePasskey(portal));
  router.post(`${BASE}/browsers/:id/forget`, forgetBrowser(portal));
  router.post(`${BASE}/browsers/forget-all`, forgetAllBrowsers(portal));

  router.use(BASE, notFound);
  router.use(BASE, refuse(portal));
  return router;
}
