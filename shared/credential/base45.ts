/**
 * Base45 (RFC 9285): bytes as QR alphanumeric-mode characters, 3 characters per 2 bytes.
 */

/** The RFC 9285 §4 alphabet: value i is ALPHABET[i]. */
export const BASE45_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE45_ALPHABET.length; i++) VALUE[BASE45_ALPHABET.charCodeAt(i)] = i;

/** Encodes bytes as Base45 (RFC 9285 §4). */
export function encodeBase45(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 1 < bytes.length; i += 2) {
    // RFC 9285 §4: n = a*256 + b = c + d*45 + e*45², written c d e.
    let n = bytes[i]! * 256 + bytes[i + 1]!;
    const c = n % 45;
    n = (n - c) / 45;
    const d = n % 45;
    const e = (n - d) / 45;
    out += BASE45_ALPHABET[c]! + BASE45_ALPHABET[d]! + BASE45_ALPHABET[e]!;
  }
  if (i < bytes.length) {
    // A final odd byte becomes two characters: n = c + d*45.
    const n = bytes[i]!;
    out += BASE45_ALPHABET[n % 45]! + BASE45_ALPHABET[Math.floor(n / 45)]!;
  }
  return out;
}

/**
 * Decodes Base45 text; null when it is not valid Base45 (RFC 9285 §6: a character outside
 * the alphabet, a length of 3k+1, a triple above 65535 or a final pair above 255).
 */
export function decodeBase45(text: string): Uint8Array<ArrayBuffer> | null {
  const rem = text.length % 3;
  if (rem === 1) return null;
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (rem === 2 ? 1 : 0));
  let o = 0;
  let i = 0;
  for (; i + 2 < text.length; i += 3) {
    const c = digit(text, i);
    const d = digit(text, i + 1);
    const e = digit(text, i + 2);
    if (c < 0 || d < 0 || e < 0) return null;
    const n = c + d * 45 + e * 2025;
    if (n > 0xffff) return null;
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (rem === 2) {
    const c = digit(text, i);
    const d = digit(text, i + 1);
    if (c < 0 || d < 0) return null;
    const n = c + d * 45;
    if (n > 0xff) return null;
    out[o++] = n;
  }
  return out;
}

function digit(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? VALUE[code]! : -1;
}
