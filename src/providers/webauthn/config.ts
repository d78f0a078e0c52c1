import { z } from 'zod';

// The `webauthn` section: passkeys and security keys as a second factor (the WEBAUTHN flow
// action), registered at /manageotp. Every assertion is checked against rpId and origins.

const origin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    // A browser gives an origin as scheme://host[:port]; http only for this machine (tests, the demo).
    return url.origin === value && (url.protocol === 'https:' || (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)));
  } catch {
    return false;
  }
}, 'must be an origin: https://host[:port] (http:// only for localhost), with no path');

export const webauthnConfigSchema = z.object({
  enabled: z.boolean().optional().meta({ defaultText: '`true` when a flow uses `WEBAUTHN`, else `false`' })
    .describe('Offer passkeys and security keys (WebAuthn): users register them at /manageotp, the WEBAUTHN flow action asks for one.'),
  rpId: z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, 'must be a lower-case host name (no scheme, port or path)').optional()
    .describe('Relying party ID: the host name (or a registrable suffix of it) users reach factorgate by. A passkey works only under the RP ID it was registered for. Required when webauthn is enabled.'),
  rpName: z.string().min(1).max(64).default('factorgate').describe('Name the browser shows when a passkey is registered.'),
  origins: z.array(origin).max(20).default([])
    .describe('Every origin (https://host[:port]) the login page and /manageotp are served from; an assertion made on any other origin is refused. Required when webauthn is enabled.'),
  userVerification: z.enum(['preferred', 'required']).default('preferred')
    .describe('preferred: a key without a PIN or fingerprint is accepted; required: the authenticator must verify the user (PIN, biometrics) at registration and at every sign-in.'),
  allowedAaguids: z.array(z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a lower-case AAGUID')).max(200).default([])
    .describe('Empty: any authenticator (attestation none). Else only these authenticator models (AAGUIDs) may be registered: the browser is asked for direct attestation, and a key that reports another model, or none, is refused. The AAGUID is what the authenticator says of itself; without the FIDO metadata service its attestation certificate is not traced to the vendor.'),
  allowedKeysText: z.string().trim().min(1).max(200).regex(/^[^\p{Cc}]*$/u, 'must be one line of text').optional()
    .describe('With allowedAaguids: how users are told which keys are accepted (for example "the YubiKey 5 keys the IT desk hands out"), shown where keys are added and so on the page that refuses another model. Without it, the page lists the AAGUIDs.'),
  maxCredentials: z.number().int().min(1).max(20).default(5).describe('Passkeys a user may register.'),
}).superRefine((config, ctx) => {
  if (config.enabled === true && config.rpId === undefined) ctx.addIssue({ code: 'custom', path: ['rpId'], message: 'required when webauthn is enabled' });
  if (config.enabled === true && config.origins.length === 0) ctx.addIssue({ code: 'custom', path: ['origins'], message: 'required when webauthn is enabled: the origins users reach factorgate by' });
  for (const [i, value] of config.origins.entries()) {
    const host = safeHost(value);
    if (config.rpId && host !== undefined && host !== config.rpId && !host.endsWith(`.${config.rpId}`)) {
      ctx.addIssue({ code: 'custom', path: ['origins', i], message: `its host is not ${config.rpId} or under it (webauthn.rpId): no browser would make a passkey of that RP ID there` });
    }
  }
});

function safeHost(value: string): string | undefined {
  try {
    return new URL(value).hostname;
  } catch {
    return undefined;
  }
}

export type WebauthnConfig = z.infer<typeof webauthnConfigSchema>;
