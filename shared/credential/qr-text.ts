/**
 * The QR text layer: `VN1:` + Base45(presentation), or `VN1Z:` + Base45(zlib(presentation))
 * when compressing makes the text shorter. Every character is in the QR alphanumeric set.
 */
import { decodeBase45, encodeBase45 } from './base45';
import { deflate, inflate } from './deflate';

/** Prefix of an uncompressed presentation (format version 1). */
export const QR_PREFIX = 'VN1:';
/** Prefix of a zlib-compressed presentation (format version 1). */
export const QR_PREFIX_COMPRESSED = 'VN1Z:';
/** Longest QR text a verifier reads: a version 40-L QR holds 4,296 alphanumeric characters. */
export const MAX_QR_TEXT_LENGTH = 4296;
/** Largest presentation a verifier inflates, against decompression bombs. */
export const MAX_INFLATED_LENGTH = 16 * 1024;

/** Whether to compress: `auto` (default) picks whichever text is shorter. */
export type Compression = 'auto' | 'never' | 'always';

/** Wraps presentation bytes as QR text. */
export async function encodeQrText(bytes: Uint8Array<ArrayBuffer>, compression: Compression = 'auto'): Promise<string> {
  const plain = QR_PREFIX + encodeBase45(bytes);
  if (compression === 'never') return plain;
  const packed = QR_PREFIX_COMPRESSED + encodeBase45(await deflate(bytes));
  if (compression === 'always') return packed;
  return packed.length < plain.length ? packed : plain;
}

/** Unwraps QR text to presentation bytes; null when it is not `VN1:`/`VN1Z:` text. Never throws. */
export async function decodeQrText(text: unknown): Promise<Uint8Array<ArrayBuffer> | null> {
  if (typeof text !== 'string' || text.length > MAX_QR_TEXT_LENGTH) return null;
  if (text.startsWith(QR_PREFIX)) return decodeBase45(text.slice(QR_PREFIX.length));
  if (text.startsWith(QR_PREFIX_COMPRESSED)) {
    const packed = decodeBase45(text.slice(QR_PREFIX_COMPRESSED.length));
    return packed ? inflate(packed, MAX_INFLATED_LENGTH) : null;
  }
  return null;
}

// ISO/IEC 18004:2015 Table 7, alphanumeric-mode capacity (characters) at ECC M, versions 1–40.
const ALPHANUMERIC_CAPACITY_M = [
  20, 38, 61, 90, 122, 154, 178, 221, 262, 311, 366, 419, 483, 528, 600, 656, 734, 816, 909, 970, 1035, 1134, 1248,
  1326, 1451, 1542, 1637, 1732, 1839, 1994, 2113, 2238, 2369, 2506, 2632, 2780, 2894, 3054, 3220, 3391,
] as const;

/**
 * The smallest QR version (1–40) whose alphanumeric capacity at error-correction level `ecc`
 * holds `chars` characters; null when none does. Only level M is tabulated.
 */
export function qrVersionFor(chars: number, ecc: 'M'): number | null {
  if (ecc !== 'M') return null;
  const index = ALPHANUMERIC_CAPACITY_M.findIndex((capacity) => capacity >= chars);
  return index < 0 ? null : index + 1;
}

/** The alphanumeric capacity (characters) of a QR version at level M. */
export function qrAlphanumericCapacity(version: number, ecc: 'M'): number | null {
  if (ecc !== 'M') return null;
  return ALPHANUMERIC_CAPACITY_M[version - 1] ?? null;
}
