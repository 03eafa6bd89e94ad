/**
 * The software WebAuthn authenticator of tests/edge/helpers/authenticator.ts, ported to
 * Node's synchronous crypto for a load generator: the same authenticator data, "none"
 * attestation, clientDataJSON and ES256 (DER) assertions, and the same device-key proofs
 * (P1363 over shared/device-key.ts's message), but without WebCrypto's per-call promise and
 * thread-pool hop, so one core can drive thousands of sign-ins a second.
 * https://www.w3.org/TR/webauthn-3/#sctn-authenticator-data
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { encode } from 'cborg';
import { toBase64Url, utf8 } from '../../../shared/bytes';
import { deviceProofMessage, type DeviceProofPurpose } from '../../../shared/device-key';

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();
const b64url = (data: Uint8Array): string => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64url');

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/**
 * A P-256 key pair: the private key (PKCS#8 DER, and a KeyObject made on first use) and the
 * public point's coordinates.
 *
 * Keys are made and read as DER, never through KeyObject JWK export: on Node 20, generating
 * thousands of keys and exporting them as JWK deadlocks the process (a garbage-collected
 * key-generation job waits on a mutex the export holds), which a bulk seed of accounts hit.
 */
export interface P256 {
  pkcs8: Buffer;
  x: Buffer;
  y: Buffer;
  privateKey(): KeyObject;
}

function p256(pkcs8: Buffer, spki: Buffer): P256 {
  // SPKI of a P-256 key ends with the uncompressed point 0x04 ‖ X ‖ Y.
  const point = spki.subarray(spki.length - 65);
  let key: KeyObject | undefined;
  return {
    pkcs8,
    x: Buffer.from(point.subarray(1, 33)),
    y: Buffer.from(point.subarray(33)),
    privateKey: () => (key ??= createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })),
  };
}

export function newP256(): P256 {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
  });
  return p256(privateKey, publicKey);
}

/** A P-256 key as a string (PKCS#8 DER, base64url) so a generator process can load it. */
export function exportP256(k: P256): string {
  return k.pkcs8.toString('base64url');
}

export function importP256(pkcs8: string): P256 {
  const der = Buffer.from(pkcs8, 'base64url');
  const spki = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
  return p256(der, spki);
}

/** COSE_Key of an ES256 public key (RFC 9053 §7.1.1), as a passkey row stores it. */
export function coseKey(x: Uint8Array, y: Uint8Array): Uint8Array {
  return encode(new Map<number, number | Uint8Array>([[1, 2], [3, -7], [-1, 1], [-2, x], [-3, y]]));
}

/** The raw uncompressed point 0x04 ‖ X ‖ Y (65 bytes), as a device-key row stores it. */
export function rawPoint(x: Uint8Array, y: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([4]), x, y]);
}

/** base64url(SHA-256(raw public key)): shared/device-key.ts `deviceKeyId`. */
export function deviceKeyIdOf(raw: Uint8Array): string {
  return b64url(sha256(raw));
}

/** What a phone holds: one discoverable passkey and one device key. Serialisable. */
export interface PhoneKeys {
  credentialId: string;
  userHandle: string;
  passkey: string;
  counter: number;
  deviceKey: string;
  deviceKeyId: string;
}

export class NodeAuthenticator {
  constructor(
    readonly rpId: string,
    readonly origin: string,
  ) {}

  private readonly rpIdHash = (): Buffer => sha256(utf8(this.rpId));

  /** navigator.credentials.create(), as a platform authenticator with user verification; returns the response and the key. */
  create(options: { challenge: string; user: { id: string } }): { response: Record<string, unknown>; key: P256; credentialId: string } {
    const key = newP256();
    const id = Buffer.from(crypto.getRandomValues(new Uint8Array(32)));
    const attested = Buffer.concat([Buffer.alloc(16), Buffer.from([0, id.length]), id, coseKey(key.x, key.y)]);
    const authData = Buffer.concat([this.rpIdHash(), Buffer.from([FLAG_UP | FLAG_UV | FLAG_AT]), u32(0), attested]);
    const clientDataJSON = utf8(JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin: this.origin, crossOrigin: false }));
    const attestationObject = encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    const credentialId = b64url(id);
    return {
      key,
      credentialId,
      response: {
        id: credentialId,
        rawId: credentialId,
        type: 'public-key',
        response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ['internal'] },
        authenticatorAttachment: 'platform',
        clientExtensionResults: {},
      },
    };
  }

  /** navigator.credentials.get() for a discoverable credential: the counter moves forward by one. */
  get(challenge: string, cred: { credentialId: string; userHandle: string; key: P256; counter: number }): Record<string, unknown> {
    const authData = Buffer.concat([this.rpIdHash(), Buffer.from([FLAG_UP | FLAG_UV]), u32(cred.counter)]);
    const clientDataJSON = utf8(JSON.stringify({ type: 'webauthn.get', challenge, origin: this.origin, crossOrigin: false }));
    // Node's ECDSA signatures are DER by default, as WebAuthn ES256 wants them.
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), cred.key.privateKey());
    return {
      id: cred.credentialId,
      rawId: cred.credentialId,
      type: 'public-key',
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: cred.userHandle },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }
}

/** A device-key proof (IEEE P1363 r ‖ s), exactly as shared/device-key.ts `signDeviceProof` makes it. */
export function signDeviceProofSync(key: P256, purpose: DeviceProofPurpose, challenge: string): string {
  return sign('sha256', deviceProofMessage(purpose, challenge), { key: key.privateKey(), dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

export { toBase64Url };
