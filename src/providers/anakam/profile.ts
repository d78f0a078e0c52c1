import { z } from 'zod';

// The Anakam-style vocabulary (docs/design.md, The Anakam API). Real servers differ by version, so every
// path segment, element name, command word and status word is configuration, not code.

const word = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'must be an XML name or plain word');
const segment = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be one plain path segment');

export const anakamProfileSchema = z.object({
  apiPath: z.string().regex(/^(\/[A-Za-z0-9_.-]+)+$/).default('/tfa/api').describe('Path of the API below anakam.baseUrl.'),
  version: segment.default('5.5').describe('API version path segment.'),
  tenant: segment.default('default').describe('Tenant path segment.'),
  paths: z.object({ auth: segment.default('auth'), challenge: segment.default('challenge') }).prefault({}),
  query: z.object({ applicationKey: segment.default('applicationKey'), userKey: segment.default('userKey') }).prefault({}),
  elements: z.object({
    authResponse: word.default('authResponse'),
    authKey: word.default('authKey'),
    status: word.default('status'),
    expires: word.default('expires'),
    challengeRequest: word.default('challengeRequest'),
    challengeResponse: word.default('challengeResponse'),
    command: word.default('command'),
    clientIp: word.default('clientIp'),
    method: word.default('method'),
    destination: word.default('destination'),
    // In the GET_PARAMS reply: the user's e-mail address and phone number as the server holds them
    // (masked); only a way named here is offered to the user.
    email: word.default('email'),
    phone: word.default('phone'),
    passcode: word.default('passcode'),
    registerDevice: word.default('registerDevice'),
    registrationHours: word.default('registrationHours'),
    deviceKey: word.default('deviceKey'),
    deviceExpires: word.default('deviceExpires'),
    attemptsRemaining: word.default('attemptsRemaining'),
  }).prefault({}),
  commands: z.object({
    selectMethod: word.default('SELECT_METHOD'),
    getParams: word.default('GET_PARAMS'),
    verifyPasscode: word.default('VERIFY_PASSCODE'),
    verifyDevice: word.default('VERIFY_DEVICE'),
    complete: word.default('COMPLETE'),
  }).prefault({}),
  // Status words the server answers with, mapped to factorgate's meaning. Any word not listed
  // here is treated as an error, never as success: a word a newer server adds must not pass for one we trust.
  statuses: z.object({
    tokenCreated: word.default('TOKEN_CREATED'),
    methodSelected: word.default('METHOD_SELECTED'),
    methodUnavailable: word.default('METHOD_UNAVAILABLE'),
    passcodeSent: word.default('PASSCODE_SENT'),
    deliveryFailed: word.default('DELIVERY_FAILED'),
    authenticated: word.default('AUTHENTICATED'),
    passcodeInvalid: word.default('PASSCODE_INVALID'),
    locked: word.default('LOCKED'),
    passcodeExpired: word.default('PASSCODE_EXPIRED'),
    deviceUnknown: word.default('DEVICE_UNKNOWN'),
    deviceExpired: word.default('DEVICE_EXPIRED'),
    complete: word.default('COMPLETE'),
    notAuthenticated: word.default('NOT_AUTHENTICATED'),
  }).prefault({}),
});

export type AnakamProfile = z.infer<typeof anakamProfileSchema>;
export type AnakamStatus = keyof AnakamProfile['statuses'];
export type AnakamCommand = keyof AnakamProfile['commands'];
