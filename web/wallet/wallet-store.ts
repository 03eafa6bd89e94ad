/**
 * The wallet's and the verifier's records in IndexedDB (stores made in db.ts, version 2).
 * Only sealed boxes are written for the wallet: plaintext documents never reach the disk.
 * Each function is one transaction that awaits nothing but its own requests.
 */
import { db } from './db';
import type { PasscodeBox, PasskeyBox, SealedBox } from './vault';

export interface StoredWalletKey {
  version: 1;
  passcode: PasscodeBox;
  passkey: PasskeyBox | null;
  /** Non-extractable HMAC key mixed into the passcode KEK (see vault.ts). */
  deviceSecret: CryptoKey;
  /** Wrong passcodes in a row; counted before each try, reset on success. */
  failedAttempts: number;
  createdAt: number;
}

export interface StoredWalletDocuments {
  sealed: SealedBox;
  savedAt: number;
}

export interface StoredVerifierList {
  /** The response body exactly as downloaded (JSON text of the trust list, or the status list token). */
  body: Uint8Array<ArrayBuffer>;
  fetchedAt: number;
}

export async function readWalletKey(): Promise<StoredWalletKey | null> {
  return (await (await db()).get('wallet-key', 'current')) ?? null;
}

export async function readWalletDocuments(): Promise<StoredWalletDocuments | null> {
  return (await (await db()).get('wallet-documents', 'current')) ?? null;
}

/** Writes a new wallet (key boxes and documents) in one transaction. */
export async function writeWallet(key: StoredWalletKey, documents: StoredWalletDocuments): Promise<void> {
  const tx = (await db()).transaction(['wallet-key', 'wallet-documents'], 'readwrite');
  await Promise.all([tx.objectStore('wallet-key').put(key, 'current'), tx.objectStore('wallet-documents').put(documents, 'current'), tx.done]);
}

export async function writeWalletDocuments(documents: StoredWalletDocuments): Promise<void> {
  await (await db()).put('wallet-documents', documents, 'current');
}

/** Adds (or replaces) the passkey box of the stored wallet key. */
export async function writePasskeyBox(passkey: PasskeyBox | null): Promise<void> {
  const tx = (await db()).transaction('wallet-key', 'readwrite');
  const current = await tx.store.get('current');
  if (current) await tx.store.put({ ...current, passkey }, 'current');
  await tx.done;
}

/**
 * Counts one passcode try before it is made, so that closing the app mid-try still counts
 * it. Returns the tries counted so far (this one included), or 'wiped' when `max` had been
 * counted already: then the wallet (key boxes and documents) is deleted in this same
 * transaction. The device key is another store and stays.
 */
export async function countPasscodeAttempt(max: number): Promise<number | 'wiped'> {
  const tx = (await db()).transaction(['wallet-key', 'wallet-documents'], 'readwrite');
  const keys = tx.objectStore('wallet-key');
  const current = await keys.get('current');
  if (!current) {
    await tx.done;
    return 'wiped';
  }
  if (current.failedAttempts >= max) {
    await Promise.all([keys.delete('current'), tx.objectStore('wallet-documents').delete('current'), tx.done]);
    return 'wiped';
  }
  const failedAttempts = current.failedAttempts + 1;
  await Promise.all([keys.put({ ...current, failedAttempts }, 'current'), tx.done]);
  return failedAttempts;
}

/** After a successful unlock: the count starts again. */
export async function resetPasscodeAttempts(): Promise<void> {
  const tx = (await db()).transaction('wallet-key', 'readwrite');
  const current = await tx.store.get('current');
  if (current && current.failedAttempts !== 0) await tx.store.put({ ...current, failedAttempts: 0 }, 'current');
  await tx.done;
}

/** Deletes the wallet from this device (the device key stays: the documents can be synced again). */
export async function wipeWallet(): Promise<void> {
  const tx = (await db()).transaction(['wallet-key', 'wallet-documents'], 'readwrite');
  await Promise.all([tx.objectStore('wallet-key').delete('current'), tx.objectStore('wallet-documents').delete('current'), tx.done]);
}

export async function readVerifierList(name: 'trust-list' | 'status-list'): Promise<StoredVerifierList | null> {
  return (await (await db()).get('verifier-lists', name)) ?? null;
}

export async function writeVerifierList(name: 'trust-list' | 'status-list', list: StoredVerifierList): Promise<void> {
  await (await db()).put('verifier-lists', list, name);
}
