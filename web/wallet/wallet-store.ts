/**
 * The wallet's and the verifier's records in IndexedDB (stores made in boot.ts, version 3).
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
  /** The response body exactly as downloaded (JSON text of the trust list). */
  body: Uint8Array<ArrayBuffer>;
  fetchedAt: number;
}

/** One part of the status list (FORMAT.md §9), kept by the verifier. */
export interface StoredStatusPart {
  /** The Status List Token exactly as downloaded. */
  body: Uint8Array<ArrayBuffer>;
  fetchedAt: number;
  /**
   * When the issuer's manifest, read from its origin, last listed this part at the version the
   * token carries (the earlier of that read and the manifest's updatedAt); null: never.
   */
  confirmedAt: number | null;
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

export async function readTrustList(): Promise<StoredVerifierList | null> {
  return (await (await db()).get('verifier-lists', 'trust-list')) ?? null;
}

export async function writeTrustList(list: StoredVerifierList): Promise<void> {
  await (await db()).put('verifier-lists', list, 'trust-list');
}

/** Every kept status list part, by part number (one transaction). */
export async function readStatusParts(): Promise<Map<number, StoredStatusPart>> {
  const tx = (await db()).transaction('status-parts');
  const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll(), tx.done]);
  return new Map(keys.map((key, i) => [key, values[i]!]));
}

export async function writeStatusPart(part: number, stored: StoredStatusPart): Promise<void> {
  await (await db()).put('status-parts', stored, part);
}
