import { generateAuthenticationOptions, verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { Logger } from '../../log.js';
import type { Passkey, PasskeyStore } from '../../otp/device_store.js';
import type { ChallengeAnswer, FactorOutcome, LoginContext, ProviderState, SecondFactorProvider, WebauthnChallenge } from '../provider.js';
import type { WebauthnConfig } from './config.js';

export type WebauthnDeps = {
  store: PasskeyStore;
  config: Pick<WebauthnConfig, 'rpId' | 'origins' | 'userVerification'>;
  logger: Logger;
  now: () => number;
};

/** How long the browser may take to ask for the key (the challenge dies then, or with the login if sooner). */
const CEREMONY_MS = 120_000;
/** Bounds an assertion before it is parsed: far above any real one (a few hundred bytes to a few KB). */
export const MAX_ASSERTION = 8192;

/**
 * Passkeys and security keys (WebAuthn) registered at /manageotp. Every check of an assertion
 * (its signature over the challenge, the origin, the RP ID hash, user presence and verification)
 * is @simplewebauthn/server's; this provider chooses the credential (only the user's own), keeps
 * the challenge single-use and bound to this login, and compares the signature counter.
 */
export class WebauthnProvider implements SecondFactorProvider {
  readonly name = 'webauthn';

  constructor(private readonly deps: WebauthnDeps) {}

  async hasPasskey(username: string): Promise<boolean> {
    return (await this.deps.store.listPasskeys(username)).length > 0;
  }

  /** A fresh challenge for this user's credentials only. The caller has checked the password: the list names the user's keys. */
  async start(ctx: LoginContext): Promise<FactorOutcome> {
    const passkeys = await this.deps.store.listPasskeys(ctx.username);
    if (passkeys.length === 0) {
      this.deps.logger.warn({ event: 'webauthn_no_passkey', user: ctx.username, clientIp: ctx.clientIp }, 'user has no passkey registered');
      return { outcome: 'fail', state: {}, reason: 'no_passkey', canRetry: false };
    }
    const options = await generateAuthenticationOptions({
      rpID: this.deps.config.rpId!,
      allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: p.transports })),
      userVerification: this.deps.config.userVerification,
      timeout: CEREMONY_MS,
    });
    const expiresAt = Math.min(this.deps.now() + CEREMONY_MS, ctx.deadline);
    const challenge: WebauthnChallenge = { kind: 'webauthn', options };
    return { outcome: 'challenge', state: { challenge: options.challenge, expiresAt }, challenge };
  }

  /** A typed passcode is no answer to a passkey's challenge. */
  answer(_ctx: LoginContext, state: ProviderState, _answer: ChallengeAnswer): Promise<FactorOutcome> {
    return Promise.resolve({ outcome: 'fail', state, reason: 'passcode_invalid', canRetry: true });
  }

  /**
   * The browser's assertion (the JSON of navigator.credentials.get, as @simplewebauthn/browser
   * gives it). The challenge is spent whatever the result: the state returned holds none.
   */
  async verify(ctx: LoginContext, state: ProviderState, assertion: string): Promise<FactorOutcome> {
    const spent: ProviderState = {};
    const wrong: FactorOutcome = { outcome: 'fail', state: spent, reason: 'passcode_invalid', canRetry: true };
    const log = { user: ctx.username, clientIp: ctx.clientIp };
    const { challenge, expiresAt } = state;
    if (typeof challenge !== 'string' || typeof expiresAt !== 'number') {
      this.deps.logger.info({ event: 'webauthn_no_challenge', ...log }, 'an assertion came with no challenge open (replayed, or already answered)');
      return wrong;
    }
    if (this.deps.now() > expiresAt) {
      this.deps.logger.info({ event: 'webauthn_challenge_expired', ...log }, 'an assertion came after its challenge expired');
      return { outcome: 'fail', state: spent, reason: 'passcode_expired', canRetry: true };
    }
    const response = parseAssertion(assertion);
    if (!response) {
      this.deps.logger.info({ event: 'webauthn_assertion_unreadable', ...log }, 'an assertion that is no WebAuthn response');
      return wrong;
    }
    const passkey = await this.deps.store.findPasskey(ctx.username, response.id);
    if (!passkey) {
      // Removed, or another user's: neither signs this user in.
      this.deps.logger.warn({ event: 'webauthn_unknown_credential', ...log }, 'an assertion by a credential this user has not registered');
      return wrong;
    }
    let newCounter: number;
    try {
      const verified = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.deps.config.origins,
        expectedRPID: this.deps.config.rpId!,
        // The counter is compared below, so that a regression is told apart and logged as one.
        credential: { id: passkey.credentialId, publicKey: isoBase64URL.toBuffer(passkey.publicKey), counter: 0, transports: [] },
        requireUserVerification: this.deps.config.userVerification === 'required',
      });
      if (!verified.verified) throw new Error('not verified');
      newCounter = verified.authenticationInfo.newCounter;
    } catch (err) {
      this.deps.logger.warn({ event: 'webauthn_assertion_refused', ...log, passkeyId: passkey.id, reason: reasonOf(err) }, 'an assertion failed its checks');
      return wrong;
    }
    if (counterWentBack(passkey, newCounter)) {
      // WebAuthn §6.1.1: a signature counter that does not grow hints at a cloned authenticator.
      this.deps.logger.warn({ event: 'webauthn_counter_regression', ...log, passkeyId: passkey.id, stored: passkey.counter, received: newCounter }, 'signature counter went back: possibly a cloned authenticator');
      return { outcome: 'fail', state: spent, reason: 'passkey_refused', canRetry: false };
    }
    if (!(await this.deps.store.recordPasskeyUse(ctx.username, passkey.id, passkey.counter, newCounter, this.deps.now()))) {
      this.deps.logger.warn({ event: 'webauthn_use_not_recorded', ...log, passkeyId: passkey.id }, 'the passkey was used or removed meanwhile: assertion refused');
      return wrong;
    }
    this.deps.logger.info({ event: 'webauthn_accepted', ...log, passkeyId: passkey.id, counter: newCounter }, 'passkey assertion accepted');
    return { outcome: 'success', state: spent };
  }

  /** A new challenge; the old one is void. */
  resend(ctx: LoginContext): Promise<FactorOutcome> {
    return this.start(ctx);
  }

  close(): void {}
}

function counterWentBack(passkey: Passkey, received: number): boolean {
  return (received > 0 || passkey.counter > 0) && received <= passkey.counter;
}

/** The JSON, bounded, shaped as an assertion; the library checks everything inside. */
function parseAssertion(text: string): AuthenticationResponseJSON | undefined {
  if (text.length > MAX_ASSERTION) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const inner = r.response as Record<string, unknown> | undefined;
  const b64 = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9_-]+={0,2}$/.test(v);
  if (r.type !== 'public-key' || !b64(r.id) || r.rawId !== r.id || typeof inner !== 'object' || inner === null) return undefined;
  if (!b64(inner.clientDataJSON) || !b64(inner.authenticatorData) || !b64(inner.signature)) return undefined;
  return {
    id: r.id as string, rawId: r.rawId as string, type: 'public-key', clientExtensionResults: {},
    response: { clientDataJSON: inner.clientDataJSON as string, authenticatorData: inner.authenticatorData as string, signature: inner.signature as string },
  };
}

/** The library's messages name what failed (origin, RP ID, flags), never a key or a signature. */
function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message.slice(0, 200) : 'non-error thrown';
}
