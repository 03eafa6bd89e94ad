/**
 * This phone's device key: made once, kept in IndexedDB, never exported. It is kept on
 * sign-out and on an expired session: losing it would unbind the phone from the account.
 */
import { toBase64Url } from '../../shared/bytes';
import {
  deviceKeyId,
  exportDevicePublicKey,
  generateDeviceKey,
  signDeviceProof,
  type DeviceProofPurpose,
} from '../../shared/device-key';
import { addDeviceKey, getDeviceKey, type StoredDeviceKey } from './db';

export { getDeviceKey };

/** The stored device key, or a new one made and stored now (only the first call on a device makes one). */
export async function ensureDeviceKey(now = Date.now()): Promise<StoredDeviceKey> {
  const existing = await getDeviceKey();
  if (existing) return existing;
  const keyPair = await generateDeviceKey();
  const raw = await exportDevicePublicKey(keyPair.publicKey);
  return addDeviceKey({ keyPair, keyId: await deviceKeyId(raw), publicKey: toBase64Url(raw), createdAt: now });
}

/** base64url of the device key's signature over `deviceProofMessage(purpose, challenge)`. */
export async function proveDevice(key: StoredDeviceKey, purpose: DeviceProofPurpose, challenge: string): Promise<string> {
  return toBase64Url(await signDeviceProof(key.keyPair.privateKey, purpose, challenge));
}

/** A short description of this phone for the account's device list, e.g. "Android · Chrome". */
export function describeDevice(userAgent: string): string {
  const os = /Android/i.test(userAgent)
    ? 'Android'
    : /iPhone|iPad|iPod/i.test(userAgent)
      ? 'iOS'
      : /Windows/i.test(userAgent)
        ? 'Windows'
        : /Mac OS X|Macintosh/i.test(userAgent)
          ? 'macOS'
          : /CrOS/i.test(userAgent)
            ? 'ChromeOS'
            : /Linux/i.test(userAgent)
              ? 'Linux'
              : '';
  const browser = /SamsungBrowser/i.test(userAgent)
    ? 'Samsung Internet'
    : /EdgA?\//i.test(userAgent)
      ? 'Edge'
      : /OPR\/|Opera/i.test(userAgent)
        ? 'Opera'
        : /Firefox|FxiOS/i.test(userAgent)
          ? 'Firefox'
          : /Chrome|CriOS|Chromium/i.test(userAgent)
            ? 'Chrome'
            : /Safari/i.test(userAgent)
              ? 'Safari'
              : '';
  return [os, browser].filter(Boolean).join(' · ').slice(0, 80);
}
