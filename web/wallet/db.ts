/**
 * The PWA's IndexedDB: the device key and the last account summary (so the home screen
 * opens offline); since version 2 the encrypted wallet and the verifier's cached lists
 * (read and written by wallet/wallet-store.ts). A new store: add it in `upgrade` under
 * `if (oldVersion < N)` and bump DB_VERSION.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Me } from '../../shared/api';
import type { StoredVerifierList, StoredWalletDocuments, StoredWalletKey } from './wallet-store';

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
  /** The verifier's offline copies of the trust list and the status list, as downloaded. */
  'verifier-lists': { key: 'trust-list' | 'status-list'; value: StoredVerifierList };
}

const DB_NAME = 'vneid';
const DB_VERSION = 2;

let dbPromise: Promise<IDBPDatabase<IdentityDB>> | null = null;

export function db(): Promise<IDBPDatabase<IdentityDB>> {
  dbPromise ??= openDB<IdentityDB>(DB_NAME, DB_VERSION, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) {
        database.createObjectStore('device-key');
        database.createObjectStore('account');
      }
      if (oldVersion < 2) {
        database.createObjectStore('wallet-key');
        database.createObjectStore('wallet-documents');
        database.createObjectStore('verifier-lists');
      }
    },
    // A newer version of the app opened in another tab: let its upgrade run; reopen on next use.
    blocking() {
      void dbPromise?.then((d) => d.close());
      dbPromise = null;
    },
    terminated() {
      dbPromise = null;
    },
  });
  // A failed open (private mode, storage full) is retried on the next call.
  dbPromise.catch(() => {
    dbPromise = null;
  });
  return dbPromise;
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
