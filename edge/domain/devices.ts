/**
 * Device keys: the proof that a request comes from the phone the account is bound to.
 * Every registration and sign-in carries a device-key signature over the same server
 * challenge as the passkey assertion (shared/device-key.ts defines the message).
 */
import type { DeviceInfo } from '../../shared/accounts';
import { fromBase64Url, randomBytes, toBase64Url } from '../../shared/bytes';
import { deviceKeyId, deviceProofMessage, importDevicePublicKey, verifyDeviceSignature, type DeviceProofPurpose } from '../../shared/device-key';
import type { Account } from '../store/accounts';
import { consumeChallenge, insertChallenge } from '../store/challenges';
import { insertDeviceKeyStatement, listDeviceKeys, readDeviceKey, type DeviceKey } from '../store/device-keys';
import { confirmReservation, directoryHas, releaseReservation, reserveDeviceAndCredential } from '../store/directory';
import { insertPasskeyStatement, listPasskeys } from '../store/passkeys';
import type { ShardDb } from '../store/shards';
import type { Deps } from './deps';
import { AppError } from './errors';

const alreadyBound = () => new AppError('device_already_bound', 'This device already holds an electronic identification account.');
const credentialExists = () => new AppError('credential_exists', 'This passkey is already registered.');

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
  // One phone, one account: a key seen before (even revoked), on any shard, never binds again.
  if (await directoryHas(deps.db, { kind: 'device', id: keyId })) throw alreadyBound();
  return { keyId, publicKey: raw };
}

/** Whether a passkey credential id is registered to anyone, citizen (any shard) or officer. */
export function credentialIdTaken(deps: Deps, credentialId: string): Promise<boolean> {
  return directoryHas(deps.db, { kind: 'credential', id: credentialId });
}

/**
 * Binds a new phone to an account: reserves its device key and its passkey's credential in the
 * global directory (store/directory.ts) — of two registrations racing for one of them, one gets
 * it —, runs the shard's batch that writes them with whatever the flow writes in the same
 * transaction, then confirms the reservation. A batch that fails gives the reservation back, so
 * the phone can try again; one that stops half-way is settled by housekeeping.
 */
export async function bindNewDevice(
  deps: Deps,
  db: ShardDb,
  keys: { accountId: string; deviceKeyId: string; credentialId: string },
  statements: D1PreparedStatement[],
): Promise<D1Result[]> {
  const reserved = await reserveDeviceAndCredential(deps.db, keys.deviceKeyId, keys.credentialId, keys.accountId, deps.now);
  if (!reserved.ok) throw reserved.taken === 'device' ? alreadyBound() : credentialExists();
  let results: D1Result[];
  try {
    results = await db.batch(statements);
  } catch (err) {
    await releaseReservation(deps.db, reserved.id);
    throw err;
  }
  await confirmReservation(deps.db, reserved.id);
  return results;
}

/**
 * The error for a device proof whose key is not on the account's shard: a key bound to another
 * account (the directory has it) is "another account's", any other key unknown.
 */
export async function deviceProofError(deps: Deps, keyId: string): Promise<AppError> {
  return (await directoryHas(deps.db, { kind: 'device', id: keyId }))
    ? new AppError('device_proof_invalid', 'This device is bound to another account.')
    : new AppError('device_unknown', 'This device is not bound to an account. Use device-change verification.');
}

/** Checks a bound device key's signature for an account; returns the key. */
export async function verifyDeviceProof(
  deps: Deps,
  proof: { keyId: string; signature: string } | undefined,
  account: Pick<Account, 'id' | 'idNumber'>,
  purpose: DeviceProofPurpose,
  challenge: string,
): Promise<DeviceKey> {
  if (!proof) throw new AppError('device_proof_required', 'Sign in from the device this account is bound to.');
  const stored = await readDeviceKey(deps.shards.dbFor(account.idNumber), proof.keyId);
  if (!stored) throw await deviceProofError(deps, proof.keyId);
  return checkDeviceProof(stored, proof, account.id, purpose, challenge);
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
  account: Pick<Account, 'id' | 'idNumber'>,
  purpose: DeviceProofPurpose,
): Promise<DeviceKey> {
  const stored = await consumeChallenge(deps.db, input.challenge, `device:${purpose}`);
  if (!stored || stored.subject !== account.id || stored.expiresAt <= deps.now) {
    throw new AppError('challenge_invalid', 'This request was already used, has expired or is unknown. Start again.');
  }
  return verifyDeviceProof(deps, { keyId: input.keyId, signature: input.signature }, account, purpose, input.challenge);
}

/**
 * The account's devices with their passkeys, for Settings → devices: which are in force,
 * which was used last, and whether each passkey is synced (backup eligible) or kept on
 * that device only.
 */
export async function listAccountDevices(deps: Deps, account: Account, currentKeyId: string): Promise<DeviceInfo[]> {
  const db = deps.shards.dbFor(account.idNumber);
  const [keys, passkeys] = await Promise.all([listDeviceKeys(db, account.id), listPasskeys(db, account.id)]);
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
 * Registration and device change both write them, inside their own transactions (bindNewDevice).
 */
export function bindDeviceStatements(
  deps: Deps,
  db: ShardDb,
  accountId: string,
  device: { keyId: string; publicKey: Uint8Array<ArrayBuffer>; label: string | null },
  passkey: { credentialId: string; publicKey: Uint8Array<ArrayBuffer>; counter: number; backupEligible: boolean; backedUp: boolean; transports: string[] },
): D1PreparedStatement[] {
  return [
    insertDeviceKeyStatement(db, { ...device, accountId, createdAt: deps.now, lastUsedAt: null, revokedAt: null }),
    insertPasskeyStatement(db, { ...passkey, accountId, deviceKeyId: device.keyId, createdAt: deps.now, lastUsedAt: null, revokedAt: null }),
  ];
}
