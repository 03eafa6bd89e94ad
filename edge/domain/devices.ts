/**
 * Device keys: the proof that a request comes from the phone the account is bound to.
 * Every registration and sign-in carries a device-key signature over the same server
 * challenge as the passkey assertion (shared/device-key.ts defines the message).
 */
import type { DeviceInfo } from '../../shared/accounts';
import { fromBase64Url, randomBytes, toBase64Url } from '../../shared/bytes';
import { deviceKeyId, deviceProofMessage, importDevicePublicKey, verifyDeviceSignature, type DeviceProofPurpose } from '../../shared/device-key';
import { consumeChallenge, insertChallenge } from '../store/challenges';
import { insertDeviceKeyStatement, listDeviceKeys, readDeviceKey, type DeviceKey } from '../store/device-keys';
import { insertPasskeyStatement, listPasskeys } from '../store/passkeys';
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
  return checkDeviceProof(await readDeviceKey(deps.db, proof.keyId), proof, accountId, purpose, challenge);
}

/** The same check on a device key already read (`stored`: the row for `proof.keyId`, or null). */
export async function checkDeviceProof(
  stored: DeviceKey | null,
  proof: { keyId: string; signature: string } | undefined,
  accountId: string,
  purpose: DeviceProofPurpose,
  challenge: string,
): Promise<DeviceKey> {
  if (!proof) throw new AppError('device_proof_required', 'Sign in from the device this account is bound to.');
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

export const DEVICE_CHALLENGE_TTL_MS = 2 * 60_000;

/** A single-use challenge for a device-key proof outside a passkey ceremony (e.g. issuance). */
export async function createDeviceChallenge(deps: Deps, purpose: DeviceProofPurpose, accountId: string): Promise<string> {
  const challenge = toBase64Url(randomBytes(32));
  await insertChallenge(deps.db, { challenge, purpose: `device:${purpose}`, subject: accountId, expiresAt: deps.now + DEVICE_CHALLENGE_TTL_MS });
  return challenge;
}

/** Consumes a device challenge and checks the bound device key's signature over it. */
export async function verifyDeviceChallenge(
  deps: Deps,
  input: { challenge: string; keyId: string; signature: string },
  accountId: string,
  purpose: DeviceProofPurpose,
): Promise<DeviceKey> {
  const stored = await consumeChallenge(deps.db, input.challenge, `device:${purpose}`);
  if (!stored || stored.subject !== accountId || stored.expiresAt <= deps.now) {
    throw new AppError('challenge_invalid', 'This request was already used, has expired or is unknown. Start again.');
  }
  return verifyDeviceProof(deps, { keyId: input.keyId, signature: input.signature }, accountId, purpose, input.challenge);
}

/**
 * The account's devices with their passkeys, for Settings → devices: which are in force,
 * which was used last, and whether each passkey is synced (backup eligible) or kept on
 * that device only.
 */
export async function listAccountDevices(deps: Deps, accountId: string, currentKeyId: string): Promise<DeviceInfo[]> {
  const [keys, passkeys] = await Promise.all([listDeviceKeys(deps.db, accountId), listPasskeys(deps.db, accountId)]);
  return keys
    .map((k) => ({
      keyId: k.keyId,
      label: k.label,
      createdAt: k.createdAt,
      lastUsedAt: k.lastUsedAt,
      revokedAt: k.revokedAt,
      current: k.keyId === currentKeyId,
      passkeys: passkeys
        .filter((p) => p.deviceKeyId === k.keyId)
        .map((p) => ({
          id: p.credentialId.slice(0, 12),
          backupEligible: p.backupEligible,
          backedUp: p.backedUp,
          createdAt: p.createdAt,
          lastUsedAt: p.lastUsedAt,
          revokedAt: p.revokedAt,
        })),
    }))
    .sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt - a.createdAt);
}

/**
 * The two rows that bind a phone to an account: its device key and the passkey made with it.
 * Registration and device change both write them, inside their own transactions.
 */
export function bindDeviceStatements(
  deps: Deps,
  accountId: string,
  device: { keyId: string; publicKey: Uint8Array<ArrayBuffer>; label: string | null },
  passkey: { credentialId: string; publicKey: Uint8Array<ArrayBuffer>; counter: number; backupEligible: boolean; backedUp: boolean; transports: string[] },
): D1PreparedStatement[] {
  return [
    insertDeviceKeyStatement(deps.db, { ...device, accountId, createdAt: deps.now, lastUsedAt: null, revokedAt: null }),
    insertPasskeyStatement(deps.db, { ...passkey, accountId, deviceKeyId: device.keyId, createdAt: deps.now, lastUsedAt: null, revokedAt: null }),
  ];
}
