/**
 * The PWA's IndexedDB: the device key and the last account summary (so the home screen
 * opens offline); since version 2 the encrypted wallet and the verifier's cached lists
 * (read and written by wallet/wallet-store.ts); since version 3 the status list in parts. The stores are made by boot.ts, which opens
 * the database at start-up: a new store goes there (and its type here).
 */
import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
import type { Me } from '../../shared/api';
import { openDatabase, takeEarlyOpen } from '../boot';
import type { StoredStatusPart, StoredVerifierList, StoredWalletDocuments, StoredWalletKey } from './wallet-store';

/** The device key pair (non-extractable private key; CryptoKey is structured-cloneable) and its id. */
export interface StoredDeviceKey {
  keyPair: CryptoKeyPair;
  /** base64url(SHA-256(raw public key)), as the edge knows it. */
  keyId: string;
  /** base64url of the 65-byte raw public key, sent once at registration. */
  publicKey: string;
  createdAt: number;
}

export interface CachedMe {
  me: Me;
  savedAt: number;
}

interface IdentityDB extends DBSchema {
  'device-key': { key: 'current'; value: StoredDeviceKey };
  account: { key: 'me'; value: CachedMe };
  /** The wallet key's passcode (and passkey) boxes, the device secret and the wrong-passcode count. */
  'wallet-key': { key: 'current'; value: StoredWalletKey };
  /** The documents, sealed under the wallet key. */
  'wallet-documents': { key: 'current'; value: StoredWalletDocuments };
  /** The verifier's offline copy of the trust list, as downloaded. */
  'verifier-lists': { key: 'trust-list'; value: StoredVerifierList };
  /** Since version 3: the verifier's status list parts, as downloaded, by part number. */
  'status-parts': { key: number; value: StoredStatusPart };
}

let dbPromise: Promise<IDBPDatabase<IdentityDB>> | null = null;

/** The app's database: the connection boot.ts started opening at start-up, or a new one. */
export function db(): Promise<IDBPDatabase<IdentityDB>> {
  if (dbPromise) return dbPromise;
  const pending: Promise<IDBPDatabase<IdentityDB>> = (takeEarlyOpen() ?? openDatabase()).then((raw) => {
    const forget = () => {
      if (dbPromise === pending) dbPromise = null;
    };
    // A newer version of the app opened in another tab: let its upgrade run; reopen on next use.
    raw.addEventListener('versionchange', () => {
      raw.close();
      forget();
    });
    raw.addEventListener('close', forget);
    return wrap(raw) as unknown as IDBPDatabase<IdentityDB>;
  });
  dbPromise = pending;
  // A failed open (private mode, storage full) is retried on the next call.
  pending.catch(() => {
    if (dbPromise === pending) dbPromise = null;
  });
  return pending;
}

export async function getDeviceKey(): Promise<StoredDeviceKey | null> {
  return (await (await db()).get('device-key', 'current')) ?? null;
}

/**
 * Stores the device key only if none is stored yet (`add`, not `put`): two tabs making a
 * key at once cannot replace a key that is already bound. Returns the key that is stored.
 */
export async function addDeviceKey(key: StoredDeviceKey): Promise<StoredDeviceKey> {
  const database = await db();
  try {
    await database.add('device-key', key, 'current');
    return key;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'ConstraintError') {
      const existing = await database.get('device-key', 'current');
      if (existing) return existing;
    }
    throw err;
  }
}

/** Whether a wallet is set up on this device (its key boxes are stored): for the home screen, without loading the wallet. */
export async function hasWallet(): Promise<boolean> {
  return (await (await db()).count('wallet-key')) > 0;
}

export async function getCachedMe(): Promise<CachedMe | null> {
  return (await (await db()).get('account', 'me')) ?? null;
}

export async function putCachedMe(me: Me, now = Date.now()): Promise<void> {
  await (await db()).put('account', { me, savedAt: now }, 'me');
}

export async function deleteCachedMe(): Promise<void> {
  await (await db()).delete('account', 'me');
}
