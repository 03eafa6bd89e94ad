/**
 * Device keys: the proof that a request comes from the phone the account is bound to.
 * Every registration and sign-in carries a device-key signature over the same server
 * challenge as the passkey assertion (shared/device-key.ts defines the message).
 */
import { fromBase64Url } from '../../shared/bytes';
import { deviceKeyId, deviceProofMessage, importDevicePublicKey, verifyDeviceSignature, type DeviceProofPurpose } from '../../shared/device-key';
import { readDeviceKey, type DeviceKey } from '../store/device-keys';
import type { Deps } from './deps';
import { AppError } from './errors';

/** Checks a new device key's proof of possession; returns its id and raw public key. */
export async function verifyNewDeviceKey(
  deps: Deps,
  input: { publicKey: string; signature: string },
  purpose: DeviceProofPurpose,
  challenge: string,
): Promise<{ keyId: string; publicKey: Uint8Array<ArrayBuffer> }> {
  const raw = fromBase64Url(input.publicKey);
  const signature = fromBase64Url(input.signature);
  const key = raw ? await importDevicePublicKey(raw) : null;
  if (!raw || !signature || !key) throw new AppError('device_proof_invalid', 'The device key is not valid.');
  if (!(await verifyDeviceSignature(key, signature, deviceProofMessage(purpose, challenge)))) {
    throw new AppError('device_proof_invalid', 'The device signature is not valid.');
  }
  const keyId = await deviceKeyId(raw);
  // One phone, one account: a key seen before (even revoked) never binds again.
  if (await readDeviceKey(deps.db, keyId)) {
    throw new AppError('device_already_bound', 'This device already holds an electronic identification account.');
  }
  return { keyId, publicKey: raw };
}

/** Checks a bound device key's signature for an account; returns the key. */
export async function verifyDeviceProof(
  deps: Deps,
  proof: { keyId: string; signature: string } | undefined,
  accountId: string,
  purpose: DeviceProofPurpose,
  challenge: string,
): Promise<DeviceKey> {
  if (!proof) throw new AppError('device_proof_required', 'Sign in from the device this account is bound to.');
  const stored = await readDeviceKey(deps.db, proof.keyId);
  if (!stored || stored.revokedAt !== null) {
    throw new AppError('device_unknown', 'This device is not bound to an account. Use device-change verification.');
  }
  if (stored.accountId !== accountId) {
    throw new AppError('device_proof_invalid', 'This device is bound to another account.');
  }
  const key = await importDevicePublicKey(stored.publicKey);
  const signature = fromBase64Url(proof.signature);
  if (!key || !signature || !(await verifyDeviceSignature(key, signature, deviceProofMessage(purpose, challenge)))) {
    throw new AppError('device_proof_invalid', 'The device signature is not valid.');
  }
  return stored;
}
