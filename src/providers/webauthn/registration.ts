import { createHash } from 'node:crypto';
import { generateRegistrationOptions, verifyRegistrationResponse, type PublicKeyCredentialCreationOptionsJSON, type RegistrationResponseJSON } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { newDeviceId, type Passkey, type PasskeyStore } from '../../otp/device_store.js';
import type { WebauthnConfig } from './config.js';

// Registering a passkey or security key (at /manageotp): the options for
// navigator.credentials.create, then the browser's answer checked by @simplewebauthn/server.

export type RegistrationDeps = { store: PasskeyStore; config: WebauthnConfig };

/** How long the browser may take; the portal keeps the challenge no longer. */
export const REGISTRATION_MS = 120_000;
/** Bounds a registration response before it is parsed (the portal's body limit is 8 kB anyway). */
export const MAX_REGISTRATION = 8192;

export async function registrationOptions(deps: RegistrationDeps, user: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { config, store } = deps;
  const existing = await store.listPasskeys(user);
  return generateRegistrationOptions({
    rpName: config.rpName,
    rpID: config.rpId!,
    userName: user,
    // The same handle for the user on every key, so an authenticator keeps one passkey per user; no secret in it.
    userID: createHash('sha256').update(`factorgate webauthn user\0${user}`).digest(),
    timeout: REGISTRATION_MS,
    // An AAGUID is zeroed by browsers under attestation none: a listed set of models needs direct.
    attestationType: config.allowedAaguids.length > 0 ? 'direct' : 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: config.userVerification },
  });
}

export type Registered = { outcome: 'added'; passkey: Passkey } | { outcome: 'refused'; reason: 'invalid' | 'model_not_allowed' | 'already_registered' | 'too_many'; detail: string };

/** The browser's answer to registrationOptions' challenge (spent by the caller before this runs). */
export async function finishRegistration(deps: RegistrationDeps, user: string, name: string, challenge: string, responseText: string): Promise<Registered> {
  const { config, store } = deps;
  const response = parseResponse(responseText);
  if (!response) return { outcome: 'refused', reason: 'invalid', detail: 'no registration response' };
  let info;
  try {
    const verified = await verifyRegistrationResponse({
      response, expectedChallenge: challenge, expectedOrigin: config.origins, expectedRPID: config.rpId!,
      requireUserVerification: config.userVerification === 'required',
    });
    if (!verified.verified) return { outcome: 'refused', reason: 'invalid', detail: 'not verified' };
    info = verified.registrationInfo;
  } catch (err) {
    return { outcome: 'refused', reason: 'invalid', detail: err instanceof Error ? err.message.slice(0, 200) : 'non-error thrown' };
  }
  if (config.allowedAaguids.length > 0 && !config.allowedAaguids.includes(info.aaguid)) {
    return { outcome: 'refused', reason: 'model_not_allowed', detail: `aaguid ${info.aaguid} (${info.fmt} attestation) is not in webauthn.allowedAaguids` };
  }
  if ((await store.listPasskeys(user)).length >= config.maxCredentials) return { outcome: 'refused', reason: 'too_many', detail: 'webauthn.maxCredentials reached' };
  const added = await store.addPasskey(user, {
    id: newDeviceId(), name, credentialId: info.credential.id, publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
    counter: info.credential.counter, transports: info.credential.transports ?? [], aaguid: info.aaguid,
  });
  if (!added) return { outcome: 'refused', reason: 'already_registered', detail: 'credential id registered already' };
  return { outcome: 'added', passkey: added };
}

function parseResponse(text: string): RegistrationResponseJSON | undefined {
  if (text.length > MAX_REGISTRATION) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const r = value as Record<string, unknown>;
    if (r.type !== 'public-key' || typeof r.id !== 'string' || typeof r.response !== 'object' || r.response === null) return undefined;
    return value as RegistrationResponseJSON;
  } catch {
    return undefined;
  }
}
