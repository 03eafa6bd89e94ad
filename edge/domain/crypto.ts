/** Small crypto helpers the domain shares: random identifiers, hashes and MACs on WebCrypto. */
import { randomBytes, toBase64Url, utf8 } from '../../shared/bytes';

/** A random opaque identifier: 16 bytes, base64url (22 characters). */
export function newId(): string {
  return toBase64Url(randomBytes(16));
}

/** A random secret token: 32 bytes, base64url. */
export function newToken(): string {
  return toBase64Url(randomBytes(32));
}

export async function sha256Base64Url(text: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(text))));
}

const macKeys = new Map<string, Promise<CryptoKey>>();

/** HMAC-SHA256(secret, message) as base64url; the imported key is cached per secret. */
export async function hmacBase64Url(secret: string, message: string): Promise<string> {
  let key = macKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', utf8(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    macKeys.set(secret, key);
  }
  return toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', await key, utf8(message))));
}

/** A uniformly random string of `digits` decimal digits (rejection sampling: no modulo bias). */
export function randomDigits(digits: number): string {
  let out = '';
  while (out.length < digits) {
    for (const b of randomBytes(digits * 2)) {
      if (b < 250 && out.length < digits) out += String(b % 10);
    }
  }
  return out;
}
