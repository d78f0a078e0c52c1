import type { ActionName } from '../../flows/index.js';
import { anakamDevice } from './anakam_device.js';
import { anakamPasscode } from './anakam_passcode.js';
import { gatewayPassword } from './gateway_password.js';
import { gatewayPasswordAtReplay } from './gateway_password_at_replay.js';
import { ldapBind } from './ldap_bind.js';
import { otpCode } from './otp_code.js';
import { push } from './push.js';
import type { Action } from './step.js';
import { webauthn } from './webauthn.js';

/** Every flow action and what runs it (NO_AUTHN is the engine's own). */
export const ACTIONS: Readonly<Record<Exclude<ActionName, 'NO_AUTHN'>, Action>> = {
  GATEWAY_PASSWORD: gatewayPassword,
  GATEWAY_PASSWORD_AT_REPLAY: gatewayPasswordAtReplay,
  LDAP_BIND: ldapBind,
  ANAKAM_DEVICE: anakamDevice,
  ANAKAM_PASSCODE: anakamPasscode,
  PUSH: push,
  OTP_CODE: otpCode,
  WEBAUTHN: webauthn,
};
