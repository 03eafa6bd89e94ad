/**
 * The wallet's encryption at rest, as pure functions over WebCrypto (they run unchanged in
 * Node for the unit tests):
 *
 *   documents ──AES-GCM──▶ sealed box          wallet key: random AES-256-GCM
 *   wallet key ─wrap─▶ passcode box            KEK = HMAC(device secret, PBKDF2-SHA256(passcode, salt, N))
 *   wallet key ─wrap─▶ passkey box (optional)  KEK = HKDF-SHA256(WebAuthn PRF output)
 *
 * The device secret is a non-extractable HMAC key kept beside the boxes: page script that
 * can read IndexedDB (an injected script) gets a CryptoKey it cannot export, so its passcode
 * guesses run here, at PBKDF2 speed, and five wrong ones wipe the wallet. Non-extractable is
 * not beyond file access: Chromium keeps the key material inside the IndexedDB record in the
 * profile on disk, so whoever can read the profile's files (malware with file access, a
 * rooted phone, a backup) has the device secret too and can try all 10⁶ passcodes offline at
 * GPU speed (≈ a minute at 600,000 iterations), where no wipe applies. Against that only the
 * operating system's file protection stands (THREAT-MODEL.md §4).
 *
 * A wrong passcode or PRF output shows as a failed AES-GCM unwrap (the tag does not verify):
 * nothing about the passcode is stored. Every box binds its purpose as additional data, so
 * a box cannot be replayed into another role.
 */
import { utf8 } from '../../shared/bytes';

/** Digits in a passcode. */
export const PASSCODE_LENGTH = 6;
/**
 * PBKDF2-SHA256 iterations for a new passcode box (OWASP's 2023 figure). Measured in Chromium
 * on the project's 2-core reference machine: 83 ms (7.2 M iterations/s; WebCrypto derives off
 * the page's main thread, so CDP's CPU throttling does not slow it). A phone four times slower
 * takes ≈ 330 ms; a Cortex-A53 phone ≈ 130 ms with the ARMv8 SHA-2 instructions and ≈ 650 ms
 * without. Stored per box, so it can be raised later without breaking existing wallets.
 */
export const PBKDF2_ITERATIONS = 600_000;
/** Wrong passcodes in a row after which the wallet is wiped from the device. */
export const MAX_PASSCODE_ATTEMPTS = 5;

const AES_GCM = { name: 'AES-GCM', length: 256 } as const;
const IV_LENGTH = 12;
const SALT_LENGTH = 16;

/** What the boxes are for: the additional authenticated data of each. */
export type BoxPurpose = 'passcode' | 'passkey' | 'documents';

/** An AES-GCM ciphertext (tag included) and its 96-bit IV. */
export interface SealedBox {
  iv: Uint8Array<ArrayBuffer>;
  ciphertext: Uint8Array<ArrayBuffer>;
}

/** The wallet key wrapped under a passcode-derived key. */
export interface PasscodeBox {
  salt: Uint8Array<ArrayBuffer>;
  iterations: number;
  box: SealedBox;
}

/** The wallet key wrapped under a key derived from the passkey's PRF output. */
export interface PasskeyBox {
  /** base64url raw id of the passkey that evaluates the PRF. */
  credentialId: string;
  /** The PRF input ("first" salt) given to the authenticator. */
  prfSalt: Uint8Array<ArrayBuffer>;
  box: SealedBox;
}

export type Random = (length: number) => Uint8Array<ArrayBuffer>;

const defaultRandom: Random = (length) => crypto.getRandomValues(new Uint8Array(length));

function aad(purpose: BoxPurpose): Uint8Array<ArrayBuffer> {
  return utf8(`vneid:wallet:v1:${purpose}`);
}

/** Six digits, nothing else. */
export function isPasscodeFormat(passcode: string): boolean {
  return new RegExp(`^\\d{${PASSCODE_LENGTH}}$`).test(passcode);
}

/**
 * Passcodes a thief tries first: one digit repeated, a run up or down (123456, 987654…),
 * and two or three digits repeated (121212, 123123).
 */
export function isWeakPasscode(passcode: string): boolean {
  if (!isPasscodeFormat(passcode)) return true;
  const d = [...passcode].map(Number);
  const steps = new Set(d.slice(1).map((x, i) => (x - d[i]! + 10) % 10));
  if (steps.size === 1 && (steps.has(0) || steps.has(1) || steps.has(9))) return true;
  return passcode === passcode.slice(0, 2).repeat(3) || passcode === passcode.slice(0, 3).repeat(2);
}

/**
 * A new wallet key. Extractable, because it must be wrapped (once per unlock method); keep
 * it only while setting up, and use the non-extractable copy `unwrapWalletKey` gives after.
 */
export async function createWalletKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey(AES_GCM, true, ['encrypt', 'decrypt']);
}

/** A non-extractable copy of an extractable wallet key, for use after set-up. */
export async function lockedCopy(walletKey: CryptoKey): Promise<CryptoKey> {
  const raw = new Uint8Array((await crypto.subtle.exportKey('raw', walletKey)) as ArrayBuffer);
  try {
    return await crypto.subtle.importKey('raw', raw, AES_GCM, false, ['encrypt', 'decrypt']);
  } finally {
    raw.fill(0);
  }
}

/** The non-extractable HMAC key that binds passcode guessing to this device. */
export async function createDeviceSecret(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign']);
}

/** KEK = HMAC-SHA256(device secret, PBKDF2-SHA256(passcode, salt, iterations)), as an AES-GCM key. */
export async function deriveKeyFromPasscode(options: {
  passcode: string;
  salt: Uint8Array<ArrayBuffer>;
  iterations: number;
  deviceSecret: CryptoKey;
}): Promise<CryptoKey> {
  if (!Number.isSafeInteger(options.iterations) || options.iterations < 1) throw new RangeError('iterations: expected a positive integer');
  const base = await crypto.subtle.importKey('raw', utf8(options.passcode), 'PBKDF2', false, ['deriveBits']);
  const stretched = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: options.salt, iterations: options.iterations },
    base,
    256,
  );
  const bound = await crypto.subtle.sign('HMAC', options.deviceSecret, stretched);
  return crypto.subtle.importKey('raw', bound, AES_GCM, false, ['wrapKey', 'unwrapKey']);
}

/** KEK = HKDF-SHA256(PRF output) for the passkey box. The PRF output is already a secret 32 bytes. */
export async function deriveKeyFromPrf(prfOutput: BufferSource): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey('raw', prfOutput, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8('vneid:wallet:v1:prf-kek') },
    ikm,
    AES_GCM,
    false,
    ['wrapKey', 'unwrapKey'],
  );
}

/** Wraps the (extractable) wallet key under a KEK. */
export async function wrapWalletKey(walletKey: CryptoKey, kek: CryptoKey, purpose: 'passcode' | 'passkey', random: Random = defaultRandom): Promise<SealedBox> {
  const iv = random(IV_LENGTH);
  const wrapped = await crypto.subtle.wrapKey('raw', walletKey, kek, { name: 'AES-GCM', iv, additionalData: aad(purpose) });
  return { iv, ciphertext: new Uint8Array(wrapped) };
}

/**
 * Unwraps the wallet key; null when the KEK is not the one that wrapped it (a wrong
 * passcode or passkey) or the box was altered. Non-extractable unless asked.
 */
export async function unwrapWalletKey(
  box: SealedBox,
  kek: CryptoKey,
  purpose: 'passcode' | 'passkey',
  options: { extractable?: boolean } = {},
): Promise<CryptoKey | null> {
  try {
    return await crypto.subtle.unwrapKey(
      'raw',
      box.ciphertext,
      kek,
      { name: 'AES-GCM', iv: box.iv, additionalData: aad(purpose) },
      AES_GCM,
      options.extractable ?? false,
      ['encrypt', 'decrypt'],
    );
  } catch {
    return null;
  }
}

/** Makes the passcode box for a wallet key: a fresh salt, `iterations` of PBKDF2. */
export async function createPasscodeBox(options: {
  walletKey: CryptoKey;
  passcode: string;
  deviceSecret: CryptoKey;
  iterations?: number;
  random?: Random;
}): Promise<PasscodeBox> {
  if (!isPasscodeFormat(options.passcode)) throw new RangeError(`passcode: expected ${PASSCODE_LENGTH} digits`);
  const random = options.random ?? defaultRandom;
  const salt = random(SALT_LENGTH);
  const iterations = options.iterations ?? PBKDF2_ITERATIONS;
  const kek = await deriveKeyFromPasscode({ passcode: options.passcode, salt, iterations, deviceSecret: options.deviceSecret });
  return { salt, iterations, box: await wrapWalletKey(options.walletKey, kek, 'passcode', random) };
}

/** Opens the passcode box; null for a wrong passcode. */
export async function openPasscodeBox(
  passcodeBox: PasscodeBox,
  passcode: string,
  deviceSecret: CryptoKey,
  options: { extractable?: boolean } = {},
): Promise<CryptoKey | null> {
  if (!isPasscodeFormat(passcode)) return null;
  const kek = await deriveKeyFromPasscode({ passcode, salt: passcodeBox.salt, iterations: passcodeBox.iterations, deviceSecret });
  return unwrapWalletKey(passcodeBox.box, kek, 'passcode', options);
}

/** Whether two stored passcode boxes are the same box (each new box has a new random salt and IV). */
export function samePasscodeBox(a: PasscodeBox, b: PasscodeBox): boolean {
  const equal = (x: Uint8Array, y: Uint8Array) => x.length === y.length && x.every((v, i) => v === y[i]);
  return a.iterations === b.iterations && equal(a.salt, b.salt) && equal(a.box.iv, b.box.iv);
}

/** Makes the passkey box from a PRF output the authenticator gave for `prfSalt`. */
export async function createPasskeyBox(options: {
  walletKey: CryptoKey;
  credentialId: string;
  prfSalt: Uint8Array<ArrayBuffer>;
  prfOutput: BufferSource;
  random?: Random;
}): Promise<PasskeyBox> {
  const kek = await deriveKeyFromPrf(options.prfOutput);
  return { credentialId: options.credentialId, prfSalt: options.prfSalt, box: await wrapWalletKey(options.walletKey, kek, 'passkey', options.random) };
}

/** Opens the passkey box with the PRF output; null when it is not the right one. */
export async function openPasskeyBox(passkeyBox: PasskeyBox, prfOutput: BufferSource): Promise<CryptoKey | null> {
  return unwrapWalletKey(passkeyBox.box, await deriveKeyFromPrf(prfOutput), 'passkey');
}

/** Encrypts a JSON value under the wallet key. */
export async function sealJson(walletKey: CryptoKey, value: unknown, random: Random = defaultRandom): Promise<SealedBox> {
  const iv = random(IV_LENGTH);
  const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad('documents') }, walletKey, utf8(JSON.stringify(value)));
  return { iv, ciphertext: new Uint8Array(ciphertext) };
}

/** Decrypts what `sealJson` made; null when the key is wrong or the box was altered. */
export async function openJson<T>(walletKey: CryptoKey, box: SealedBox): Promise<T | null> {
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: box.iv, additionalData: aad('documents') }, walletKey, box.ciphertext);
    return JSON.parse(new TextDecoder().decode(plain)) as T;
  } catch {
    return null;
  }
}
