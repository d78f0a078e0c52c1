import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';

// A WebAuthn authenticator in software, for tests that need answers no browser gives: made for
// another RP ID, on another origin, claiming a chosen model (AAGUID), with or without user
// verification. It only builds what an authenticator and a browser would send (CBOR by
// @simplewebauthn's own encoder, signatures by node:crypto); every check stays the library's.

const UP = 0x01; // user present
const UV = 0x04; // user verified
const AT = 0x40; // attested credential data follows

export type Ceremony = {
  /** The challenge the server gave (base64url). */
  challenge: string;
  origin: string;
  /** Hashed into authenticatorData; a real authenticator uses the RP ID the browser asked for. */
  rpId: string;
  userVerified?: boolean;
};

const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();

export class SoftAuthenticator {
  readonly credentialId = randomBytes(16);
  private readonly privateKey: KeyObject;
  private readonly cosePublicKey: Uint8Array;
  private signCount = 0;

  /** `aaguid`: the model the authenticator claims (all zeros, as browsers give under attestation none, by default). */
  constructor(private readonly aaguid = '00000000-0000-0000-0000-000000000000') {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    // COSE_Key of an ES256 key (RFC 9053): kty EC2, alg -7, crv P-256, x, y.
    this.cosePublicKey = isoCBOR.encode(new Map<number, number | Uint8Array>([
      [1, 2], [3, -7], [-1, 1], [-2, isoBase64URL.toBuffer(jwk.x!)], [-3, isoBase64URL.toBuffer(jwk.y!)],
    ]));
  }

  get id(): string {
    return isoBase64URL.fromBuffer(this.credentialId);
  }

  /** The JSON of navigator.credentials.create (attestation none), as @simplewebauthn/browser posts it. */
  register(c: Ceremony): string {
    const aaguid = Buffer.from(this.aaguid.replaceAll('-', ''), 'hex');
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const authData = Buffer.concat([this.header(c, AT), aaguid, idLength, this.credentialId, this.cosePublicKey]);
    const attestationObject = isoCBOR.encode(new Map<string, string | Map<string, string> | Uint8Array>([['fmt', 'none'], ['attStmt', new Map<string, string>()], ['authData', authData]]));
    return JSON.stringify({
      id: this.id, rawId: this.id, type: 'public-key', clientExtensionResults: {}, authenticatorAttachment: 'cross-platform',
      response: { clientDataJSON: this.clientData('webauthn.create', c), attestationObject: isoBase64URL.fromBuffer(attestationObject), transports: ['usb'] },
    });
  }

  /** The JSON of navigator.credentials.get, signed over authenticatorData and the client data's hash. */
  assert(c: Ceremony): string {
    const authenticatorData = this.header(c, 0);
    const clientDataJSON = this.clientData('webauthn.get', c);
    const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(isoBase64URL.toBuffer(clientDataJSON))]), this.privateKey);
    return JSON.stringify({
      id: this.id, rawId: this.id, type: 'public-key', clientExtensionResults: {},
      response: { clientDataJSON, authenticatorData: authenticatorData.toString('base64url'), signature: isoBase64URL.fromBuffer(signature) },
    });
  }

  /** rpIdHash, flags, signature counter (one more at each use). */
  private header(c: Ceremony, flags: number): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE((this.signCount += 1));
    return Buffer.concat([sha256(c.rpId), Buffer.from([UP | (c.userVerified === false ? 0 : UV) | flags]), counter]);
  }

  private clientData(type: string, c: Ceremony): string {
    return isoBase64URL.fromUTF8String(JSON.stringify({ type, challenge: c.challenge, origin: c.origin, crossOrigin: false }));
  }
}
