import { Router } from 'express';
import { MFA_PATHS } from '../http/paths.js';
import { anotherEndpoint } from './endpoints/another.js';
import { answerEndpoint } from './endpoints/answer.js';
import { beginEndpoint } from './endpoints/begin.js';
import { cancelEndpoint } from './endpoints/cancel.js';
import { enrolQrEndpoint } from './endpoints/enrol_qr.js';
import { provideEndpoint } from './endpoints/provide.js';
import { pushConfirmEndpoint } from './endpoints/push_confirm.js';
import { pushEventsEndpoint } from './endpoints/push_events.js';
import { recoveryEndpoint, recoveryPageEndpoint } from './endpoints/recovery.js';
import { resendEndpoint } from './endpoints/resend.js';
import { showStepEndpoint } from './endpoints/show_step.js';
import { webauthnEndpoint } from './endpoints/webauthn.js';
import type { LoginWeb } from './endpoints/web.js';

export type { LoginWeb } from './endpoints/web.js';

/**
 * The login's endpoints under /mfa, one file each in endpoints/: each reads its input, moves the
 * login on (with_login.ts is the gate in front of every post of a login in progress), and renders
 * the view as JSON for the dialog or as a page without the script (respond.ts).
 */
export function loginRoutes(web: LoginWeb): Router {
  const router = Router();
  router.post(MFA_PATHS.login, beginEndpoint(web));
  router.get(MFA_PATHS.step, showStepEndpoint(web));
  router.post(MFA_PATHS.step, answerEndpoint(web));
  router.post(MFA_PATHS.form, provideEndpoint(web));
  router.post(MFA_PATHS.another, anotherEndpoint(web));
  router.post(MFA_PATHS.resend, resendEndpoint(web));
  router.post(MFA_PATHS.cancel, cancelEndpoint(web));
  router.get(MFA_PATHS.pushEvents, pushEventsEndpoint(web));
  router.post(MFA_PATHS.pushConfirm, pushConfirmEndpoint(web));
  router.get(MFA_PATHS.enrolQr, enrolQrEndpoint(web));
  router.post(MFA_PATHS.webauthn, webauthnEndpoint(web));
  router.get(MFA_PATHS.recovery, recoveryPageEndpoint(web));
  router.post(MFA_PATHS.recovery, recoveryEndpoint(web));
  return router;
}
