/**
 * The device key: a non-extractable ECDSA P-256 key the PWA makes with WebCrypto and keeps
 * in IndexedDB. It proves the device (a synced passkey alone never opens the account on a
 * second phone). This module is the one definition of what it signs and how it is checked.
 */
import { toBase64Url, utf8 } from './bytes';

/** What a device-key proof is for; part of the signed message so a proof made for one purpose never passes for another. */
export type DeviceProofPurpose = 'register' | 'signin' | 'issue' | 'approve-device' | 'unlock' | 'change-phone';

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** The exact bytes a device key signs for a server challenge: `vneid:device-proof:v1:<purpose>:<challenge>` in UTF-8. */
export function deviceProofMessage(purpose: DeviceProofPurpose, challenge: string): Uint8Array<ArrayBuffer> {
  return utf8(`vneid:device-proof:v1:${purpose}:${challenge}`);
}

/** A device key's identifier: base64url(SHA-256(raw uncompressed public key)). */
export async function deviceKeyId(rawPublicKey: Uint8Array<ArrayBuffer>): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', rawPublicKey)));
}

/** Imports a raw uncompressed P-256 point (65 bytes, 0x04 ‖ X ‖ Y); null when it is not a valid point. */
export async function importDevicePublicKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey | null> {
  if (raw.length !== 65 || raw[0] !== 0x04) return null;
  try {
    return await crypto.subtle.importKey('raw', raw, ECDSA, true, ['verify']);
  } catch {
    return null;
  }
}

/** Verifies an IEEE P1363 (r ‖ s, 64 bytes) ECDSA-SHA256 signature, as WebCrypto makes them. */
export async function verifyDeviceSignature(
  publicKey: CryptoKey,
  signature: Uint8Array<ArrayBuffer>,
  message: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  if (signature.length !== 64) return false;
  return crypto.subtle.verify(ECDSA_SHA256, publicKey, signature, message);
}

/** Makes a device key. `extractable` stays false in the PWA; tests may pass their own keys. */
export async function generateDeviceKey(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ECDSA, false, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

/** Signs a device proof with the private device key. */
export async function signDeviceProof(
  privateKey: CryptoKey,
  purpose: DeviceProofPurpose,
  challenge: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const sig = await crypto.subtle.sign(ECDSA_SHA256, privateKey, deviceProofMessage(purpose, challenge));
  return new Uint8Array(sig);
}

/** The raw uncompressed public key (65 bytes) of a device key pair. */
export async function exportDevicePublicKey(publicKey: CryptoKey): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array((await crypto.subtle.exportKey('raw', publicKey)) as ArrayBuffer);
}
